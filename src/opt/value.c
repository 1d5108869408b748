/* Option value parsing: one parser per value type, in a table indexed by the type (the
 * numbers' limits and words are in the table too). Error messages are one line, name the
 * option as typed and say what was expected. The dalan notation is in dalan.c, the option
 * list in list.c. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opt/opt_int.h"

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
		return opt_errf(err, errlen, "missing numerical value of option \"%s%s\": value required (%s)", oname(def, v),
				text ? "=" : "", what);
	case NUM_NONUM:
		return opt_errf(err, errlen, "missing numerical value of option \"%s=%s\" (expected %s)", oname(def, v),
				opt_safe_text(tmp, sizeof(tmp), text), what);
	case NUM_GARBAGE:
		return opt_errf(err, errlen, "trailing garbage in numerical arg of option \"%s\": \"%s\" is not %s",
				oname(def, v), opt_safe_text(tmp, sizeof(tmp), text), what);
	default:
		return opt_errf(err, errlen, "option \"%s\": value \"%s\" out of range (%s)", oname(def, v),
				opt_safe_text(tmp, sizeof(tmp), text), what);
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
		return opt_errf(err, errlen, "missing numerical value of option \"%s%s\": value required (%s)", oname(def, v),
				text ? "=" : "", expect);
	for (int i = 0; i < n; i++) {
		const char *c = strchr(p, ':');
		size_t l;
		long long x;
		bool last = i == n - 1;

		if (last && !rest)
			c = NULL;
		if (!c && (!last || rest))
			return opt_errf(err, errlen, "option \"%s\": \"%s\" has too few ':'-separated fields (expected %s)",
					oname(def, v), opt_safe_text(tmp, sizeof(tmp), text), expect);
		l = c ? (size_t)(c - p) : strlen(p);
		if (l >= sizeof(part))
			return opt_errf(err, errlen, "trailing garbage in numerical arg of option \"%s\": \"%s\" (expected %s)",
					oname(def, v), opt_safe_text(tmp, sizeof(tmp), text), expect);
		memcpy(part, p, l);
		part[l] = '\0';
		int rc = num_signed(part, INT_MIN, UINT_MAX, &x);
		if (rc == NUM_EMPTY)
			return opt_errf(err, errlen, "option \"%s\": empty number in \"%s\" (expected %s)", oname(def, v),
					opt_safe_text(tmp, sizeof(tmp), text), expect);
		if (rc == NUM_NONUM)
			return opt_errf(err, errlen, "missing numerical value of option \"%s=%s\" (expected %s)",
					oname(def, v), opt_safe_text(tmp, sizeof(tmp), text), expect);
		if (rc == NUM_GARBAGE)
			return opt_errf(err, errlen, "trailing garbage in numerical arg of option \"%s\": \"%s\" (expected %s)",
					oname(def, v), opt_safe_text(tmp, sizeof(tmp), text), expect);
		if (rc == NUM_RANGE)
			return opt_errf(err, errlen, "option \"%s\": number out of range in \"%s\" (expected %s)",
					oname(def, v), opt_safe_text(tmp, sizeof(tmp), text), expect);
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
		return opt_errf(err, errlen, "out of memory");
	return 0;
}

/* How a value type is parsed: its parser, and the rule its parser follows (limits and the
 * words of the messages), so one parser serves the types that differ only in those. */
struct value_type;
typedef int (*value_parser)(const struct value_type *t, const struct opt_def *def, const char *text,
			    struct opt_value *v, char *err, size_t errlen);
enum value_tail { TAIL_NONE, TAIL_STRING, TAIL_BIN, TAIL_GENERIC };
struct value_type {
	value_parser parse;
	long long lo, hi;         /* signed numbers */
	unsigned long long uhi;   /* unsigned numbers */
	int base;                 /* unsigned numbers: 0 (C notation) or 8 (modes) */
	bool absent_is_one;       /* the option alone means 1 */
	int nints;                /* ':'-separated ints before any rest */
	enum value_tail tail;     /* what follows the ints */
	const char *what;         /* what was expected, for the messages */
};

static int parse_const(const struct value_type *t, const struct opt_def *def, const char *text,
		       struct opt_value *v, char *err, size_t errlen)
{
	if (text)
		return opt_errf(err, errlen, "no value permitted for option \"%s\"", oname(def, v));
	v->i = 1;
	return 0;
}

/* "fork" alone means 1; "fork=" is not "fork" (socat: missing numerical value); only 0 and 1
 * are booleans (socat takes any number as true; o-trunc=2 is likelier a typo) */
static int parse_bool(const struct value_type *t, const struct opt_def *def, const char *text,
		      struct opt_value *v, char *err, size_t errlen)
{
	long long ll;
	char tmp[80];
	int rc;

	if (!text) {
		v->i = 1;
		return 0;
	}
	if ((rc = num_signed(text, LLONG_MIN, LLONG_MAX, &ll)))
		return num_err(rc, def, v, text, t->what, err, errlen);
	if (ll != 0 && ll != 1)
		return opt_errf(err, errlen,
				"option \"%s\": value \"%s\" is not a boolean (expected 0 or 1, or \"%s\" alone for 1)",
				oname(def, v), opt_safe_text(tmp, sizeof(tmp), text), oname(def, v));
	v->i = ll;
	return 0;
}

/* INT, and INT/NULL whose empty value ("reuseaddr=") is a value of its own */
static int parse_int(const struct value_type *t, const struct opt_def *def, const char *text,
		     struct opt_value *v, char *err, size_t errlen)
{
	long long ll;
	char tmp[80];
	int rc;

	if (def->type == OT_INT_NULL && text && !*text) {
		v->null_value = true;
		v->i = 0;
		return 0;
	}
	if (!text) {
		v->i = 1;
		return 0;
	}
	if ((rc = num_signed(text, INT_MIN, INT_MAX, &ll)))
		return num_err(rc, def, v, text, def->count ? "a count 0 or more" : "an integer", err, errlen);
	if (def->count && ll < 0)
		return opt_errf(err, errlen, "option \"%s\": value \"%s\" is negative (expected a count 0 or more)",
				oname(def, v), opt_safe_text(tmp, sizeof(tmp), text));
	v->i = ll;
	return 0;
}

static int parse_signed(const struct value_type *t, const struct opt_def *def, const char *text,
			struct opt_value *v, char *err, size_t errlen)
{
	long long ll;
	int rc;

	if (!text && t->absent_is_one) {
		v->i = 1;
		return 0;
	}
	if ((rc = num_signed(text, t->lo, t->hi, &ll)))
		return num_err(rc, def, v, text, t->what, err, errlen);
	v->i = ll;
	return 0;
}

static int parse_unsigned(const struct value_type *t, const struct opt_def *def, const char *text,
			  struct opt_value *v, char *err, size_t errlen)
{
	unsigned long long ull;
	int rc;

	if (!text && t->absent_is_one) {
		v->i = 1;
		return 0;
	}
	if ((rc = num_unsigned(text, t->uhi, &ull, t->base)))
		return num_err(rc, def, v, text, t->what, err, errlen);
	v->i = (long long)ull;
	return 0;
}

/* linger=SECS: on, with that timeout */
static int parse_linger(const struct value_type *t, const struct opt_def *def, const char *text,
			struct opt_value *v, char *err, size_t errlen)
{
	if (parse_signed(t, def, text, v, err, errlen) < 0)
		return -1;
	v->ints[0] = 1;
	v->ints[1] = (int)v->i;
	return 0;
}

/* user= and group=: a number, or a name looked up now; the text is kept too */
static int parse_id(const struct value_type *t, const struct opt_def *def, const char *text,
		    struct opt_value *v, char *err, size_t errlen)
{
	bool uid = def->type == OT_UID;
	unsigned long long ull;
	char tmp[80];

	if (!text || !*text)
		return opt_errf(err, errlen, "option \"%s\": value required (a %s name or number)", oname(def, v),
				uid ? "user" : "group");
	if (num_unsigned(text, UINT_MAX - 1, &ull, 10) == NUM_OK) {
		v->i = (long long)ull;
		return dup_str(v, text, err, errlen);
	}
	if (uid) {
		struct passwd *pw = getpwnam(text);
		if (!pw)
			return opt_errf(err, errlen, "option \"%s\": unknown user \"%s\" (expected a user name or uid)",
					oname(def, v), opt_safe_text(tmp, sizeof(tmp), text));
		v->i = pw->pw_uid;
	} else {
		struct group *gr = getgrnam(text);
		if (!gr)
			return opt_errf(err, errlen, "option \"%s\": unknown group \"%s\" (expected a group name or gid)",
					oname(def, v), opt_safe_text(tmp, sizeof(tmp), text));
		v->i = gr->gr_gid;
	}
	return dup_str(v, text, err, errlen);
}

static int parse_string_null(const struct value_type *t, const struct opt_def *def, const char *text,
			     struct opt_value *v, char *err, size_t errlen)
{
	if (!text)
		return 0;
	return dup_str(v, text, err, errlen);
}

static int parse_string(const struct value_type *t, const struct opt_def *def, const char *text,
			struct opt_value *v, char *err, size_t errlen)
{
	if (!text)
		return opt_errf(err, errlen, "option \"%s\": value required", oname(def, v));
	return dup_str(v, text, err, errlen);
}

static int parse_bin(const struct value_type *t, const struct opt_def *def, const char *text,
		     struct opt_value *v, char *err, size_t errlen)
{
	char tmp[80];

	if (!text)
		return opt_errf(err, errlen, "option \"%s\": value required (dalan data like x7f000001 or \"text\")",
				oname(def, v));
	if (dalan_parse(text, &v->bin, &v->binlen, tmp, sizeof(tmp)) < 0)
		return opt_errf(err, errlen, "option \"%s\": %s", oname(def, v), tmp);
	return 0;
}

static int parse_timeval(const struct value_type *t, const struct opt_def *def, const char *text,
			 struct opt_value *v, char *err, size_t errlen)
{
	const char *n = oname(def, v);
	char tmp[80], *end;

	if (!text || !*text)
		return opt_errf(err, errlen, "missing numerical value of option \"%s%s\": value required (seconds, e.g. 1.5)",
				n, text ? "=" : "");
	if (parse_timeval_str(text, &v->ts, &v->d) == 0)
		return 0;
	errno = 0;
	(void)strtod(text, &end);
	if (end != text && *end)
		return opt_errf(err, errlen, "trailing garbage in numerical arg of option \"%s\": \"%s\" (expected seconds, e.g. 1.5)",
				n, opt_safe_text(tmp, sizeof(tmp), text));
	if (end == text)
		return opt_errf(err, errlen, "missing numerical value of option \"%s=%s\" (expected seconds, e.g. 1.5)",
				n, opt_safe_text(tmp, sizeof(tmp), text));
	return opt_errf(err, errlen, "option \"%s\": \"%s\" is not a valid number of seconds (expected e.g. 1.5)",
			n, opt_safe_text(tmp, sizeof(tmp), text));
}

static int parse_double(const struct value_type *t, const struct opt_def *def, const char *text,
			struct opt_value *v, char *err, size_t errlen)
{
	const char *n = oname(def, v);
	char tmp[80], *end;

	if (!text || !*text)
		return opt_errf(err, errlen, "missing numerical value of option \"%s%s\": value required (a number)", n,
				text ? "=" : "");
	errno = 0;
	v->d = strtod(text, &end);
	if (end == text)
		return opt_errf(err, errlen, "missing numerical value of option \"%s=%s\" (expected a number)", n,
				opt_safe_text(tmp, sizeof(tmp), text));
	if (*end || errno)
		return opt_errf(err, errlen, "trailing garbage in numerical arg of option \"%s\": \"%s\" (expected a number)",
				n, opt_safe_text(tmp, sizeof(tmp), text));
	return 0;
}

/* level:name:..., request:...: nints ':'-separated ints, then (t->tail) a string, dalan data,
 * or either (generic: the text is kept, and its dalan bytes where it is dalan) */
static int parse_int_fields(const struct value_type *t, const struct opt_def *def, const char *text,
			    struct opt_value *v, char *err, size_t errlen)
{
	const char *rest;
	char tmp[80];

	if (t->tail == TAIL_NONE)
		return parse_ints(def, v, text, t->nints, NULL, t->what, err, errlen);
	if (parse_ints(def, v, text, t->nints, &rest, t->what, err, errlen) < 0)
		return -1;
	if (t->tail == TAIL_STRING)
		return dup_str(v, rest, err, errlen);
	if (t->tail == TAIL_GENERIC) {
		if (dup_str(v, rest, err, errlen) < 0)
			return -1;
		if (dalan_parse(rest, &v->bin, &v->binlen, tmp, sizeof(tmp)) < 0) {
			v->bin = NULL;
			v->binlen = 0;
		}
		return 0;
	}
	if (dalan_parse(rest, &v->bin, &v->binlen, tmp, sizeof(tmp)) < 0)
		return opt_errf(err, errlen, "option \"%s\": %s", oname(def, v), tmp);
	return 0;
}

#define SIGNED(l, h, w) { .parse = parse_signed, .lo = (l), .hi = (h), .what = (w) }
#define UNSIGNED(h, w) { .parse = parse_unsigned, .uhi = (h), .what = (w) }
#define INTS(n, tl, w) { .parse = parse_int_fields, .nints = (n), .tail = (tl), .what = (w) }

static const struct value_type value_types[OT_COUNT] = {
	[OT_CONST] = { .parse = parse_const },
	[OT_BOOL] = { .parse = parse_bool, .what = "a boolean 0 or 1" },
	[OT_INT] = { .parse = parse_int },
	[OT_INT_NULL] = { .parse = parse_int },
	[OT_BYTE] = { .parse = parse_unsigned, .uhi = 255, .absent_is_one = true, .what = "a byte value 0..255" },
	[OT_UINT] = { .parse = parse_unsigned, .uhi = UINT_MAX, .absent_is_one = true, .what = "an unsigned integer" },
	[OT_SHORT] = SIGNED(SHRT_MIN, SHRT_MAX, "a short integer"),
	[OT_USHORT] = UNSIGNED(USHRT_MAX, "a number 0..65535"),
	[OT_LONG] = SIGNED(LLONG_MIN, LLONG_MAX, "an integer"),
	[OT_LONGLONG] = SIGNED(LLONG_MIN, LLONG_MAX, "an integer"),
	[OT_PTRDIFF] = SIGNED(LLONG_MIN, LLONG_MAX, "an integer"),
	[OT_ULONG] = UNSIGNED(LLONG_MAX, "a non-negative integer"),
	[OT_SIZE] = UNSIGNED(LLONG_MAX, "a non-negative integer"),
	/* as socat: an offset alone means 1 */
	[OT_OFF] = { .parse = parse_signed, .lo = LLONG_MIN, .hi = LLONG_MAX, .absent_is_one = true, .what = "a file offset" },
	[OT_OFF64] = { .parse = parse_signed, .lo = LLONG_MIN, .hi = LLONG_MAX, .absent_is_one = true, .what = "a file offset" },
	[OT_MODE] = { .parse = parse_unsigned, .uhi = 07777, .base = 8, .what = "an octal mode like 0644" },
	[OT_UID] = { .parse = parse_id },
	[OT_GID] = { .parse = parse_id },
	[OT_STRING_NULL] = { .parse = parse_string_null },
	[OT_STRING] = { .parse = parse_string },
	[OT_IP4NAME] = { .parse = parse_string },
	[OT_IP4SOCK] = { .parse = parse_string },
	[OT_MREQN] = { .parse = parse_string },
	[OT_MREQ_SOURCE] = { .parse = parse_string },
	[OT_GENERIC] = { .parse = parse_string },
	[OT_BIN] = { .parse = parse_bin },
	[OT_SOCKADDR] = { .parse = parse_bin },
	[OT_TIMEVAL] = { .parse = parse_timeval },
	[OT_TIMESPEC] = { .parse = parse_timeval },
	[OT_DOUBLE] = { .parse = parse_double },
	[OT_LINGER] = { .parse = parse_linger, .lo = 0, .hi = INT_MAX, .what = "linger seconds" },
	[OT_INT3] = INTS(3, TAIL_NONE, "int:int:int"),
	[OT_INT_INT] = INTS(2, TAIL_NONE, "request:int"),
	[OT_INT_INTP] = INTS(2, TAIL_NONE, "request:int"),
	[OT_INT_INT_INT] = INTS(3, TAIL_NONE, "level:name:int"),
	[OT_INT_BIN] = INTS(1, TAIL_BIN, "request:dalan-data"),
	[OT_INT_STRING] = INTS(1, TAIL_STRING, "request:string"),
	[OT_INT_INT_BIN] = INTS(2, TAIL_BIN, "level:name:dalan-data"),
	[OT_INT_INT_STRING] = INTS(2, TAIL_STRING, "level:name:string"),
	[OT_INT_INT_GENERIC] = INTS(2, TAIL_GENERIC, "level:name:dalan-data"),
};

static int do_parse(const struct opt_def *def, const char *text, struct opt_value *v, char *err, size_t errlen)
{
	v->has_value = text != NULL;
	if ((unsigned)def->type < OT_COUNT && value_types[def->type].parse)
		return value_types[def->type].parse(&value_types[def->type], def, text, v, err, errlen);
	return opt_errf(err, errlen, "option \"%s\": unsupported value type", oname(def, v));
}

void opt_value_clear(struct opt_value *v)
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
		opt_value_clear(out);
		return -1;
	}
	return 0;
}
