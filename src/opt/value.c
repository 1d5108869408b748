/* Option value parsing: one parser per value type, the dalan binary notation, and the
 * per-address option list parser (lookup + group check + value). Error messages are one line,
 * name the option as typed and say what was expected. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opt/opt_int.h"

#define DALAN_MAX 65536

/* Copy src into dst for a message: control and non-ASCII bytes as \xHH, truncated. */
static const char *safe(char *dst, size_t n, const char *src)
{
	size_t o = 0;

	if (!src)
		src = "";
	for (; *src && o + 5 < n; src++) {
		unsigned char c = (unsigned char)*src;
		if (c < 0x20 || c >= 0x7f || c == '"') {
			if (c == '"') {
				dst[o++] = '\\';
				dst[o++] = '"';
			} else
				o += (size_t)snprintf(dst + o, n - o, "\\x%02x", c);
		} else
			dst[o++] = (char)c;
	}
	if (*src && o + 4 < n) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return dst;
}

static int errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int parse_ulong_str(const char *s, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return -1;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (end == s || *end || errno)
		return -1;
	*out = v;
	return 0;
}

int parse_timeval_str(const char *s, struct timespec *ts, double *secs)
{
	char *end;
	double d;

	if (!s || !*s)
		return -1;
	errno = 0;
	d = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(d) || d < 0 || d > 1e15)
		return -1;
	if (ts) {
		ts->tv_sec = (time_t)d;
		ts->tv_nsec = (long)((d - (double)ts->tv_sec) * 1e9 + 0.5);
		if (ts->tv_nsec >= 1000000000L) {
			ts->tv_sec++;
			ts->tv_nsec -= 1000000000L;
		}
	}
	if (secs)
		*secs = d;
	return 0;
}

/* ---- dalan ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

struct dbuf {
	unsigned char *p;
	size_t n, cap;
};

static int dput(struct dbuf *b, const void *src, size_t n)
{
	if (b->n + n > DALAN_MAX)
		return -1;
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		while (cap < b->n + n)
			cap *= 2;
		unsigned char *q = realloc(b->p, cap);
		if (!q)
			return -1;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, src, n);
	b->n += n;
	return 0;
}

/* One escaped char inside "..." or '...'; advances *s. Returns the byte or -1. */
static int dalan_char(const char **s)
{
	const char *p = *s;
	int c = (unsigned char)*p++;

	if (c == '\\') {
		c = (unsigned char)*p++;
		switch (c) {
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case '0': c = 0; break;
		case 'a': c = '\a'; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'v': c = '\v'; break;
		case 'e': c = 27; break;
		case 'x': {
			int h = hexval((unsigned char)p[0]), l = h >= 0 ? hexval((unsigned char)p[1]) : -1;
			if (h < 0 || l < 0)
				return -1;
			c = h * 16 + l;
			p += 2;
			break;
		}
		case '\0':
			return -1;
		default:
			break; /* \\ \" \' and any other char: itself */
		}
	}
	*s = p;
	return c;
}

int dalan_parse(const char *text, unsigned char **out, size_t *len, char *err, size_t errlen)
{
	struct dbuf b = { 0 };
	const char *s = text ? text : "";
	char tmp[80];

	*out = NULL;
	*len = 0;
	while (*s) {
		const char *start = s;
		int c = (unsigned char)*s;

		if (c == ' ' || c == '\t') {
			s++;
			continue;
		}
		if (c == 'x' || c == 'X') {
			s++;
			if (hexval((unsigned char)*s) < 0)
				goto bad_hex;
			while (hexval((unsigned char)*s) >= 0) {
				int h = hexval((unsigned char)s[0]), l = hexval((unsigned char)s[1]);
				if (l < 0)
					goto bad_hex;
				unsigned char byte = (unsigned char)(h * 16 + l);
				if (dput(&b, &byte, 1) < 0)
					goto too_long;
				s += 2;
			}
			continue;
		bad_hex:
			free(b.p);
			return errf(err, errlen, "dalan: expected pairs of hex digits after 'x' at offset %zu of \"%s\"",
				    (size_t)(start - text), safe(tmp, sizeof(tmp), text));
		}
		if (c == '"' || c == '\'') {
			int q = c, n = 0;
			s++;
			while (*s && *s != q) {
				int ch = dalan_char(&s);
				if (ch < 0)
					goto bad_quote;
				unsigned char byte = (unsigned char)ch;
				if (dput(&b, &byte, 1) < 0)
					goto too_long;
				n++;
			}
			if (*s != q)
				goto bad_quote;
			s++;
			if (q == '\'' && n != 1) {
				free(b.p);
				return errf(err, errlen, "dalan: '...' must hold exactly one character (offset %zu of \"%s\")",
					    (size_t)(start - text), safe(tmp, sizeof(tmp), text));
			}
			continue;
		bad_quote:
			free(b.p);
			return errf(err, errlen, "dalan: unterminated quote or bad escape at offset %zu of \"%s\"",
				    (size_t)(start - text), safe(tmp, sizeof(tmp), text));
		}
		{
			size_t width;
			bool typed = true;
			switch (c) {
			case 'b': case 'B': width = 1; break;
			case 's': case 'S': width = sizeof(short); break;
			case 'i': case 'I': width = sizeof(int); break;
			case 'l': case 'L': width = sizeof(long); break;
			default:
				if (c >= '0' && c <= '9') {
					typed = false;
					width = sizeof(int);
					break;
				}
				free(b.p);
				return errf(err, errlen,
					    "dalan: unexpected '%c' at offset %zu of \"%s\" (expected x<hex>, \"string\", 'c' or b/s/i/l<number>)",
					    c >= 0x20 && c < 0x7f ? c : '?', (size_t)(s - text), safe(tmp, sizeof(tmp), text));
			}
			if (typed)
				s++;
			const char *num = s;
			char *end;
			errno = 0;
			bool neg = *num == '-';
			long long sv = 0;
			unsigned long long uv = 0;
			if (neg)
				sv = strtoll(num, &end, 0);
			else
				uv = strtoull(num, &end, 0);
			if (end == num || errno || *num == '+' || *num == ' ' || *num == '\t') {
				free(b.p);
				return errf(err, errlen, "dalan: expected a number at offset %zu of \"%s\"",
					    (size_t)(num - text), safe(tmp, sizeof(tmp), text));
			}
			if (width < 8) {
				long long lo = -(1LL << (width * 8 - 1));
				unsigned long long hi = (1ULL << (width * 8)) - 1;
				if ((neg && sv < lo) || (!neg && uv > hi)) {
					free(b.p);
					return errf(err, errlen, "dalan: number out of range for %zu byte(s) at offset %zu of \"%s\"",
						    width, (size_t)(num - text), safe(tmp, sizeof(tmp), text));
				}
			}
			unsigned long long bits = neg ? (unsigned long long)sv : uv;
			unsigned char bytes[8];
			switch (width) {
			case 1: bytes[0] = (unsigned char)bits; break;
			case 2: { unsigned short x = (unsigned short)bits; memcpy(bytes, &x, 2); break; }
			case 4: { unsigned int x = (unsigned int)bits; memcpy(bytes, &x, 4); break; }
			default: { unsigned long x = (unsigned long)bits; memcpy(bytes, &x, sizeof(x)); break; }
			}
			if (dput(&b, bytes, width) < 0)
				goto too_long;
			s = end;
		}
	}
	if (!b.p) {
		b.p = malloc(1);
		if (!b.p)
			return errf(err, errlen, "dalan: out of memory");
	}
	*out = b.p;
	*len = b.n;
	return 0;
too_long:
	free(b.p);
	return errf(err, errlen, "dalan: data longer than %d bytes", DALAN_MAX);
}

/* ---- numbers ---- */

enum { NUM_OK, NUM_EMPTY, NUM_NONUM, NUM_GARBAGE, NUM_RANGE }; /* NUM_NONUM: no digits at all ("yes") */

static int num_signed(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return NUM_EMPTY;
	errno = 0;
	v = strtoll(s, &end, 0);
	if (end == s)
		return NUM_NONUM;
	if (*end)
		return NUM_GARBAGE;
	if (errno == ERANGE || v < lo || v > hi)
		return NUM_RANGE;
	*out = v;
	return NUM_OK;
}

static int num_unsigned(const char *s, unsigned long long hi, unsigned long long *out, int base)
{
	char *end;
	unsigned long long v;
	const char *p = s;

	if (!s || !*s)
		return NUM_EMPTY;
	while (*p == ' ' || *p == '\t')
		p++;
	errno = 0;
	v = strtoull(s, &end, base);
	if (end == s)
		return NUM_NONUM;
	if (*end)
		return NUM_GARBAGE;
	if (*p == '-')
		return NUM_RANGE;
	if (errno == ERANGE || v > hi)
		return NUM_RANGE;
	*out = v;
	return NUM_OK;
}

static const char *oname(const struct opt_def *def, const struct opt_value *v)
{
	return v->typed_name ? v->typed_name : def->name;
}

static int num_err(int rc, const struct opt_def *def, const struct opt_value *v, const char *text,
		   const char *what, char *err, size_t errlen)
{
	char tmp[80];

	switch (rc) {
	case NUM_EMPTY:
		return errf(err, errlen, "missing numerical value of option \"%s%s\": value required (%s)", oname(def, v),
			    text ? "=" : "", what);
	case NUM_NONUM:
		return errf(err, errlen, "missing numerical value of option \"%s=%s\" (expected %s)", oname(def, v),
			    safe(tmp, sizeof(tmp), text), what);
	case NUM_GARBAGE:
		return errf(err, errlen, "trailing garbage in numerical arg of option \"%s\": \"%s\" is not %s",
			    oname(def, v), safe(tmp, sizeof(tmp), text), what);
	default:
		return errf(err, errlen, "option \"%s\": value \"%s\" out of range (%s)", oname(def, v),
			    safe(tmp, sizeof(tmp), text), what);
	}
}

/* Parse n ':'-separated ints at the start of text (the last one may be followed by ':' and a
 * rest when rest != NULL). ints may be up to UINT_MAX (ioctl requests). */
static int parse_ints(const struct opt_def *def, struct opt_value *v, const char *text, int n,
		      const char **rest, const char *expect, char *err, size_t errlen)
{
	const char *p = text;
	char tmp[80], part[64];

	if (!text || !*text)
		return errf(err, errlen, "missing numerical value of option \"%s%s\": value required (%s)", oname(def, v),
			    text ? "=" : "", expect);
	for (int i = 0; i < n; i++) {
		const char *c = strchr(p, ':');
		size_t l;
		long long x;
		bool last = i == n - 1;

		if (last && !rest)
			c = NULL;
		if (!c && (!last || rest))
			return errf(err, errlen, "option \"%s\": \"%s\" has too few ':'-separated fields (expected %s)",
				    oname(def, v), safe(tmp, sizeof(tmp), text), expect);
		l = c ? (size_t)(c - p) : strlen(p);
		if (l >= sizeof(part))
			return errf(err, errlen, "trailing garbage in numerical arg of option \"%s\": \"%s\" (expected %s)",
				    oname(def, v), safe(tmp, sizeof(tmp), text), expect);
		memcpy(part, p, l);
		part[l] = '\0';
		int rc = num_signed(part, INT_MIN, UINT_MAX, &x);
		if (rc == NUM_EMPTY)
			return errf(err, errlen, "option \"%s\": empty number in \"%s\" (expected %s)", oname(def, v),
				    safe(tmp, sizeof(tmp), text), expect);
		if (rc == NUM_NONUM)
			return errf(err, errlen, "missing numerical value of option \"%s=%s\" (expected %s)",
				    oname(def, v), safe(tmp, sizeof(tmp), text), expect);
		if (rc == NUM_GARBAGE)
			return errf(err, errlen, "trailing garbage in numerical arg of option \"%s\": \"%s\" (expected %s)",
				    oname(def, v), safe(tmp, sizeof(tmp), text), expect);
		if (rc == NUM_RANGE)
			return errf(err, errlen, "option \"%s\": number out of range in \"%s\" (expected %s)",
				    oname(def, v), safe(tmp, sizeof(tmp), text), expect);
		v->ints[i] = (int)(unsigned int)x;
		if (i == 0)
			v->i = x;
		p = c ? c + 1 : p + l;
	}
	if (rest)
		*rest = p;
	return 0;
}

static int dup_str(struct opt_value *v, const char *s, char *err, size_t errlen)
{
	v->s = strdup(s);
	if (!v->s)
		return errf(err, errlen, "out of memory");
	return 0;
}

static int do_parse(const struct opt_def *def, const char *text, struct opt_value *v, char *err, size_t errlen)
{
	const char *n = oname(def, v);
	char tmp[80];
	long long ll;
	unsigned long long ull;
	int rc;
	const char *rest;

	v->has_value = text != NULL;
	switch (def->type) {
	case OT_CONST:
		if (text)
			return errf(err, errlen, "no value permitted for option \"%s\"", n);
		v->i = 1;
		return 0;
	case OT_BOOL:
		/* "fork" alone means 1; "fork=" is not "fork" (socat: missing numerical value); only
		 * 0 and 1 are booleans (socat takes any number as true; o-trunc=2 is likelier a typo) */
		if (!text) {
			v->i = 1;
			return 0;
		}
		if ((rc = num_signed(text, LLONG_MIN, LLONG_MAX, &ll)))
			return num_err(rc, def, v, text, "a boolean 0 or 1", err, errlen);
		if (ll != 0 && ll != 1)
			return errf(err, errlen, "option \"%s\": value \"%s\" is not a boolean (expected 0 or 1, or \"%s\" alone for 1)",
				    n, safe(tmp, sizeof(tmp), text), n);
		v->i = ll;
		return 0;
	case OT_INT_NULL:
		if (text && !*text) {
			v->null_value = true;
			v->i = 0;
			return 0;
		}
		__attribute__((fallthrough));
	case OT_INT:
		if (!text) {
			v->i = 1;
			return 0;
		}
		if ((rc = num_signed(text, INT_MIN, INT_MAX, &ll)))
			return num_err(rc, def, v, text, def->count ? "a count 0 or more" : "an integer", err, errlen);
		if (def->count && ll < 0)
			return errf(err, errlen, "option \"%s\": value \"%s\" is negative (expected a count 0 or more)", n,
				    safe(tmp, sizeof(tmp), text));
		v->i = ll;
		return 0;
	case OT_BYTE:
		if (!text) {
			v->i = 1;
			return 0;
		}
		if ((rc = num_unsigned(text, 255, &ull, 0)))
			return num_err(rc, def, v, text, "a byte value 0..255", err, errlen);
		v->i = (long long)ull;
		return 0;
	case OT_UINT:
		if (!text) {
			v->i = 1;
			return 0;
		}
		if ((rc = num_unsigned(text, UINT_MAX, &ull, 0)))
			return num_err(rc, def, v, text, "an unsigned integer", err, errlen);
		v->i = (long long)ull;
		return 0;
	case OT_SHORT:
		if ((rc = num_signed(text, SHRT_MIN, SHRT_MAX, &ll)))
			return num_err(rc, def, v, text, "a short integer", err, errlen);
		v->i = ll;
		return 0;
	case OT_USHORT:
		if ((rc = num_unsigned(text, USHRT_MAX, &ull, 0)))
			return num_err(rc, def, v, text, "a number 0..65535", err, errlen);
		v->i = (long long)ull;
		return 0;
	case OT_LONG:
	case OT_LONGLONG:
	case OT_PTRDIFF:
		if ((rc = num_signed(text, LLONG_MIN, LLONG_MAX, &ll)))
			return num_err(rc, def, v, text, "an integer", err, errlen);
		v->i = ll;
		return 0;
	case OT_ULONG:
	case OT_SIZE:
		if ((rc = num_unsigned(text, LLONG_MAX, &ull, 0)))
			return num_err(rc, def, v, text, "a non-negative integer", err, errlen);
		v->i = (long long)ull;
		return 0;
	case OT_OFF:
	case OT_OFF64:
		if (!text) { /* as socat: no value means 1 */
			v->i = 1;
			return 0;
		}
		if ((rc = num_signed(text, LLONG_MIN, LLONG_MAX, &ll)))
			return num_err(rc, def, v, text, "a file offset", err, errlen);
		v->i = ll;
		return 0;
	case OT_MODE:
		if ((rc = num_unsigned(text, 07777, &ull, 8)))
			return num_err(rc, def, v, text, "an octal mode like 0644", err, errlen);
		v->i = (long long)ull;
		return 0;
	case OT_UID:
	case OT_GID: {
		bool uid = def->type == OT_UID;
		if (!text || !*text)
			return errf(err, errlen, "option \"%s\": value required (a %s name or number)", n,
				    uid ? "user" : "group");
		if (num_unsigned(text, UINT_MAX - 1, &ull, 10) == NUM_OK) {
			v->i = (long long)ull;
			return dup_str(v, text, err, errlen);
		}
		if (uid) {
			struct passwd *pw = getpwnam(text);
			if (!pw)
				return errf(err, errlen, "option \"%s\": unknown user \"%s\" (expected a user name or uid)",
					    n, safe(tmp, sizeof(tmp), text));
			v->i = pw->pw_uid;
		} else {
			struct group *gr = getgrnam(text);
			if (!gr)
				return errf(err, errlen, "option \"%s\": unknown group \"%s\" (expected a group name or gid)",
					    n, safe(tmp, sizeof(tmp), text));
			v->i = gr->gr_gid;
		}
		return dup_str(v, text, err, errlen);
	}
	case OT_STRING_NULL:
		if (!text)
			return 0;
		return dup_str(v, text, err, errlen);
	case OT_STRING:
	case OT_IP4NAME:
	case OT_IP4SOCK:
	case OT_MREQN:
	case OT_MREQ_SOURCE:
	case OT_GENERIC:
		if (!text)
			return errf(err, errlen, "option \"%s\": value required", n);
		return dup_str(v, text, err, errlen);
	case OT_BIN:
	case OT_SOCKADDR:
		if (!text)
			return errf(err, errlen, "option \"%s\": value required (dalan data like x7f000001 or \"text\")", n);
		if (dalan_parse(text, &v->bin, &v->binlen, tmp, sizeof(tmp)) < 0)
			return errf(err, errlen, "option \"%s\": %s", n, tmp);
		return 0;
	case OT_TIMEVAL:
	case OT_TIMESPEC:
		if (!text || !*text)
			return errf(err, errlen, "missing numerical value of option \"%s%s\": value required (seconds, e.g. 1.5)",
				    n, text ? "=" : "");
		if (parse_timeval_str(text, &v->ts, &v->d) < 0) {
			char *end;
			errno = 0;
			(void)strtod(text, &end);
			if (end != text && *end)
				return errf(err, errlen, "trailing garbage in numerical arg of option \"%s\": \"%s\" (expected seconds, e.g. 1.5)",
					    n, safe(tmp, sizeof(tmp), text));
			if (end == text)
				return errf(err, errlen, "missing numerical value of option \"%s=%s\" (expected seconds, e.g. 1.5)",
					    n, safe(tmp, sizeof(tmp), text));
			return errf(err, errlen, "option \"%s\": \"%s\" is not a valid number of seconds (expected e.g. 1.5)",
				    n, safe(tmp, sizeof(tmp), text));
		}
		return 0;
	case OT_DOUBLE: {
		char *end;
		if (!text || !*text)
			return errf(err, errlen, "missing numerical value of option \"%s%s\": value required (a number)", n,
				    text ? "=" : "");
		errno = 0;
		v->d = strtod(text, &end);
		if (end == text)
			return errf(err, errlen, "missing numerical value of option \"%s=%s\" (expected a number)", n,
				    safe(tmp, sizeof(tmp), text));
		if (*end || errno)
			return errf(err, errlen, "trailing garbage in numerical arg of option \"%s\": \"%s\" (expected a number)",
				    n, safe(tmp, sizeof(tmp), text));
		return 0;
	}
	case OT_LINGER:
		if ((rc = num_signed(text, 0, INT_MAX, &ll)))
			return num_err(rc, def, v, text, "linger seconds", err, errlen);
		v->i = ll;
		v->ints[0] = 1;
		v->ints[1] = (int)ll;
		return 0;
	case OT_INT3:
		return parse_ints(def, v, text, 3, NULL, "int:int:int", err, errlen);
	case OT_INT_INT:
		return parse_ints(def, v, text, 2, NULL, "request:int", err, errlen);
	case OT_INT_INTP:
		return parse_ints(def, v, text, 2, NULL, "request:int", err, errlen);
	case OT_INT_INT_INT:
		return parse_ints(def, v, text, 3, NULL, "level:name:int", err, errlen);
	case OT_INT_BIN:
	case OT_INT_STRING:
		if (parse_ints(def, v, text, 1, &rest,
			       def->type == OT_INT_BIN ? "request:dalan-data" : "request:string", err, errlen) < 0)
			return -1;
		goto tail;
	case OT_INT_INT_BIN:
	case OT_INT_INT_STRING:
	case OT_INT_INT_GENERIC:
		if (parse_ints(def, v, text, 2, &rest,
			       def->type == OT_INT_INT_STRING ? "level:name:string" : "level:name:dalan-data", err,
			       errlen) < 0)
			return -1;
	tail:
		if (def->type == OT_INT_STRING || def->type == OT_INT_INT_STRING)
			return dup_str(v, rest, err, errlen);
		if (def->type == OT_INT_INT_GENERIC) {
			if (dup_str(v, rest, err, errlen) < 0)
				return -1;
			if (dalan_parse(rest, &v->bin, &v->binlen, tmp, sizeof(tmp)) < 0) {
				v->bin = NULL;
				v->binlen = 0;
			}
			return 0;
		}
		if (dalan_parse(rest, &v->bin, &v->binlen, tmp, sizeof(tmp)) < 0)
			return errf(err, errlen, "option \"%s\": %s", n, tmp);
		return 0;
	case OT_COUNT:
		break;
	}
	return errf(err, errlen, "option \"%s\": unsupported value type", n);
}

static void value_clear(struct opt_value *v)
{
	free(v->s);
	free(v->bin);
	v->s = NULL;
	v->bin = NULL;
	v->binlen = 0;
}

int opt_parse_value(const struct opt_def *def, const char *text, struct opt_value *out, char *err, size_t errlen)
{
	const char *typed = out->typed_name;
	char *otext = out->text;

	memset(out, 0, sizeof(*out));
	out->def = def;
	out->typed_name = typed;
	out->text = otext;
	if (err && errlen)
		err[0] = '\0';
	if (do_parse(def, text, out, err, errlen) < 0) {
		value_clear(out);
		return -1;
	}
	return 0;
}

static void value_free(struct opt_value *v)
{
	value_clear(v);
	free(v->text);
	free((char *)v->typed_name);
	v->text = NULL;
	v->typed_name = NULL;
}

void opt_list_free(struct opt_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		value_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void opt_drop(struct opt_list *l, enum opt_id id)
{
	size_t k = 0;
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].def && l->v[i].def->id == id)
			value_free(&l->v[i]);
		else
			l->v[k++] = l->v[i];
	}
	l->n = k;
}

static char *xdup(const char *s, bool *fail)
{
	char *r;

	if (!s)
		return NULL;
	r = strdup(s);
	if (!r)
		*fail = true;
	return r;
}

int opt_list_copy(const struct opt_list *src, struct opt_list *dst)
{
	bool fail = false;

	dst->v = NULL;
	dst->n = 0;
	if (!src || !src->n)
		return 0;
	dst->v = calloc(src->n, sizeof(*dst->v));
	if (!dst->v)
		return -1;
	for (size_t i = 0; i < src->n; i++) {
		struct opt_value *d = &dst->v[i];
		const struct opt_value *s = &src->v[i];
		*d = *s;
		d->s = xdup(s->s, &fail);
		d->text = xdup(s->text, &fail);
		d->typed_name = xdup(s->typed_name, &fail);
		d->bin = NULL;
		if (s->bin) {
			d->bin = malloc(s->binlen ? s->binlen : 1);
			if (d->bin)
				memcpy(d->bin, s->bin, s->binlen);
			else
				fail = true;
		}
		dst->n = i + 1;
	}
	if (fail) {
		opt_list_free(dst);
		return -1;
	}
	return 0;
}

bool opt_group_ok(const struct opt_def *d, uint64_t groups)
{
	return d->groups == 0 || (d->groups & groups) || (d->groups & GRP_ANY);
}

int opt_parse_list(const struct opt_pair *pairs, size_t n, const char *addrname, uint64_t groups, bool nocheck,
		   struct opt_list *out, char *err, size_t errlen)
{
	char tmp[80], tmp2[80];

	out->v = NULL;
	out->n = 0;
	if (err && errlen)
		err[0] = '\0';
	if (!pairs || !n)
		return 0;
	out->v = calloc(n, sizeof(*out->v));
	if (!out->v)
		return errf(err, errlen, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct opt_pair *o = &pairs[i];
		const struct opt_def *d = opt_lookup(o->name);
		struct opt_value *v = &out->v[out->n];

		if (!d) {
			const char *sug = opt_suggest(o->name);
			if (sug)
				errf(err, errlen, "unknown option \"%s\" on address \"%s\"; did you mean \"%s\"?",
				     safe(tmp, sizeof(tmp), o->name), safe(tmp2, sizeof(tmp2), addrname), sug);
			else
				errf(err, errlen, "unknown option \"%s\" on address \"%s\"", safe(tmp, sizeof(tmp), o->name),
				     safe(tmp2, sizeof(tmp2), addrname));
			goto fail;
		}
		if (!nocheck && !opt_group_ok(d, groups)) {
			char gs[256], og[128];
			opt_groups_str(groups | GRP_ANY, false, gs, sizeof(gs));
			opt_groups_str(d->groups, false, og, sizeof(og));
			errf(err, errlen, "option \"%s\" not supported with this address type \"%s\" (it accepts options of groups %s; \"%s\" belongs to %s)",
			     safe(tmp, sizeof(tmp), o->name), safe(tmp2, sizeof(tmp2), addrname), gs, d->name, og);
			goto fail;
		}
		bool fail = false;
		v->typed_name = xdup(o->name, &fail);
		v->text = xdup(o->text ? o->text : o->name, &fail);
		if (fail) {
			free((char *)v->typed_name);
			free(v->text);
			errf(err, errlen, "out of memory");
			goto fail;
		}
		out->n++;
		if (opt_parse_value(d, o->value, v, err, errlen) < 0)
			goto fail;
	}
	return 0;
fail:
	opt_list_free(out);
	return -1;
}
