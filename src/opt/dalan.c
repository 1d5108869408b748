/* The dalan notation for binary option values (setsockopt-bin=, ioctl-bin=, sockaddr data):
 * x<hex pairs>, "string" with C escapes, 'c' for one byte, and b/s/i/l<number> for a byte,
 * short, int or long in host order (a bare number is an int). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opt/opt_int.h"

#define DALAN_MAX 65536

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

static int too_long(char *err, size_t errlen)
{
	return opt_errf(err, errlen, "dalan: data longer than %d bytes", DALAN_MAX);
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

/* x<hex pairs> at *sp (the 'x'); advances *sp past them. */
static int dalan_hex(struct dbuf *b, const char *text, const char **sp, char *err, size_t errlen)
{
	const char *start = *sp, *s = start + 1;
	char tmp[80];

	if (hexval((unsigned char)*s) < 0)
		goto bad_hex;
	while (hexval((unsigned char)*s) >= 0) {
		int h = hexval((unsigned char)s[0]), l = hexval((unsigned char)s[1]);
		if (l < 0)
			goto bad_hex;
		unsigned char byte = (unsigned char)(h * 16 + l);
		if (dput(b, &byte, 1) < 0)
			return too_long(err, errlen);
		s += 2;
	}
	*sp = s;
	return 0;
bad_hex:
	return opt_errf(err, errlen, "dalan: expected pairs of hex digits after 'x' at offset %zu of \"%s\"",
			(size_t)(start - text), opt_safe_text(tmp, sizeof(tmp), text));
}

/* "string" or 'c' at *sp (the quote); advances *sp past the closing quote. */
static int dalan_quoted(struct dbuf *b, const char *text, const char **sp, char *err, size_t errlen)
{
	const char *start = *sp, *s = start + 1;
	int q = (unsigned char)*start, n = 0;
	char tmp[80];

	while (*s && *s != q) {
		int ch = dalan_char(&s);
		if (ch < 0)
			goto bad_quote;
		unsigned char byte = (unsigned char)ch;
		if (dput(b, &byte, 1) < 0)
			return too_long(err, errlen);
		n++;
	}
	if (*s != q)
		goto bad_quote;
	s++;
	if (q == '\'' && n != 1)
		return opt_errf(err, errlen, "dalan: '...' must hold exactly one character (offset %zu of \"%s\")",
				(size_t)(start - text), opt_safe_text(tmp, sizeof(tmp), text));
	*sp = s;
	return 0;
bad_quote:
	return opt_errf(err, errlen, "dalan: unterminated quote or bad escape at offset %zu of \"%s\"",
			(size_t)(start - text), opt_safe_text(tmp, sizeof(tmp), text));
}

/* The width a number is written with: b/s/i/l before it, 4 (int) for a bare number, 0 when
 * c starts no number. */
static size_t number_width(int c, bool *typed)
{
	*typed = true;
	switch (c) {
	case 'b': case 'B': return 1;
	case 's': case 'S': return sizeof(short);
	case 'i': case 'I': return sizeof(int);
	case 'l': case 'L': return sizeof(long);
	default:
		*typed = false;
		return c >= '0' && c <= '9' ? sizeof(int) : 0;
	}
}

/* [b|s|i|l]<number> at *sp; advances *sp past the number. */
static int dalan_number(struct dbuf *b, const char *text, const char **sp, char *err, size_t errlen)
{
	const char *s = *sp;
	int c = (unsigned char)*s;
	bool typed;
	size_t width = number_width(c, &typed);
	char tmp[80];

	if (!width)
		return opt_errf(err, errlen,
				"dalan: unexpected '%c' at offset %zu of \"%s\" (expected x<hex>, \"string\", 'c' or b/s/i/l<number>)",
				c >= 0x20 && c < 0x7f ? c : '?', (size_t)(s - text), opt_safe_text(tmp, sizeof(tmp), text));
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
	if (end == num || errno || *num == '+' || *num == ' ' || *num == '\t')
		return opt_errf(err, errlen, "dalan: expected a number at offset %zu of \"%s\"", (size_t)(num - text),
				opt_safe_text(tmp, sizeof(tmp), text));
	if (width < 8) {
		long long lo = -(1LL << (width * 8 - 1));
		unsigned long long hi = (1ULL << (width * 8)) - 1;
		if ((neg && sv < lo) || (!neg && uv > hi))
			return opt_errf(err, errlen, "dalan: number out of range for %zu byte(s) at offset %zu of \"%s\"",
					width, (size_t)(num - text), opt_safe_text(tmp, sizeof(tmp), text));
	}
	unsigned long long bits = neg ? (unsigned long long)sv : uv;
	unsigned char bytes[8];
	switch (width) {
	case 1: bytes[0] = (unsigned char)bits; break;
	case 2: { unsigned short x = (unsigned short)bits; memcpy(bytes, &x, 2); break; }
	case 4: { unsigned int x = (unsigned int)bits; memcpy(bytes, &x, 4); break; }
	default: { unsigned long x = (unsigned long)bits; memcpy(bytes, &x, sizeof(x)); break; }
	}
	if (dput(b, bytes, width) < 0)
		return too_long(err, errlen);
	*sp = end;
	return 0;
}

int dalan_parse(const char *text, unsigned char **out, size_t *len, char *err, size_t errlen)
{
	struct dbuf b = { 0 };
	const char *s = text ? text : "";

	*out = NULL;
	*len = 0;
	while (*s) {
		int c = (unsigned char)*s, rc;

		if (c == ' ' || c == '\t') {
			s++;
			continue;
		}
		if (c == 'x' || c == 'X')
			rc = dalan_hex(&b, text, &s, err, errlen);
		else if (c == '"' || c == '\'')
			rc = dalan_quoted(&b, text, &s, err, errlen);
		else
			rc = dalan_number(&b, text, &s, err, errlen);
		if (rc < 0) {
			free(b.p);
			return -1;
		}
	}
	if (!b.p) {
		b.p = malloc(1);
		if (!b.p)
			return opt_errf(err, errlen, "dalan: out of memory");
	}
	*out = b.p;
	*len = b.n;
	return 0;
}
