/* The address lexer: socat's nested lexing rules (see addr.h), written from the documented
 * behaviour. Iterative with an explicit nesting stack, so arbitrarily deep input cannot
 * overflow the C stack. No global state. */
#include "addr/addr.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How much of the offending text an error message quotes. */
#define ERR_TEXT_MAX 200
/* Room for the rendered text: control bytes take 4 chars each, but never more than this. */
#define ERR_SHOWN_MAX 240

/* Render text for a one-line message: control bytes become \xHH, long texts are cut. */
static size_t render_text(char *dst, size_t cap, const char *text)
{
	size_t o = 0, i;
	if (cap < 8)
		return 0;
	cap -= 3; /* keep room for "..." */
	/* cppcheck follows a caller's "" and thinks text has 1 byte; the NUL test stops at it */
	/* cppcheck-suppress arrayIndexOutOfBoundsCond */
	for (i = 0; i < ERR_TEXT_MAX && text[i]; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x20 || c == 0x7f) {
			if (o + 5 >= cap)
				break;
			o += (size_t)snprintf(dst + o, cap - o, "\\x%02x", c);
		} else {
			if (o + 2 >= cap)
				break;
			dst[o++] = (char)c;
		}
	}
	/* text[i] is inside the string: the loop stopped at its NUL or before it */
	/* cppcheck-suppress arrayIndexOutOfBounds */
	if (text[i]) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return o;
}

static void append(char *dst, size_t cap, size_t *o, const char *src)
{
	size_t l = strlen(src);
	if (*o + 1 >= cap)
		return;
	if (l > cap - 1 - *o)
		l = cap - 1 - *o;
	memcpy(dst + *o, src, l);
	*o += l;
	dst[*o] = '\0';
}

void addr_set_error(struct addr_error *err, const char *what, const char *whole, size_t pos,
		    const char *fmt, ...)
{
	char shown[ERR_SHOWN_MAX];
	char detail[sizeof err->msg];
	va_list ap;
	size_t i, o = 0;

	if (!err)
		return;
	render_text(shown, sizeof shown, whole ? whole : "");
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	/* the detail is ours, but make sure no line break sneaks in through a %s */
	for (i = 0; detail[i]; i++)
		if ((unsigned char)detail[i] < 0x20)
			detail[i] = ' ';
	err->msg[0] = '\0';
	append(err->msg, sizeof err->msg, &o, what ? what : "address");
	append(err->msg, sizeof err->msg, &o, " \"");
	append(err->msg, sizeof err->msg, &o, shown);
	append(err->msg, sizeof err->msg, &o, "\": ");
	append(err->msg, sizeof err->msg, &o, detail);
	err->pos = pos;
}

/* ------------------------------------------------------------------------------------------ */

enum nest_kind { NK_SQUOTE, NK_DQUOTE, NK_BRACKET };

struct nest {
	enum nest_kind kind;
	char close;     /* closing character */
	char open;      /* opening character (for messages) */
	bool keep;      /* the delimiters are copied into the word */
	size_t at;      /* offset of the opening character in `whole` */
};

struct nest_stack {
	struct nest small[16];
	struct nest *v;
	size_t n, cap;
};

static int nest_push(struct nest_stack *st, struct nest e)
{
	if (st->n == st->cap) {
		size_t ncap = st->cap * 2;
		struct nest *nv;
		if (st->v == st->small) {
			nv = malloc(ncap * sizeof *nv);
			if (nv)
				memcpy(nv, st->small, st->n * sizeof *nv);
		} else {
			nv = realloc(st->v, ncap * sizeof *nv);
		}
		if (!nv)
			return -1;
		st->v = nv;
		st->cap = ncap;
	}
	st->v[st->n++] = e;
	return 0;
}

static char closer_of(char c)
{
	switch (c) {
	case '(': return ')';
	case '[': return ']';
	case '{': return '}';
	default: return 0;
	}
}

static char decode_escape(char c)
{
	switch (c) {
	case '0': return '\0';
	case 'a': return '\a';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'v': return '\v';
	default: return c;
	}
}

/* Which terminator (if any) starts at s? Returns its length, 0 if none. */
static size_t at_terminator(const char *s, const char *const *ends)
{
	if (!ends)
		return 0;
	for (size_t k = 0; ends[k]; k++) {
		size_t l = strlen(ends[k]);
		if (l && !strncmp(s, ends[k], l))
			return l;
	}
	return 0;
}

static const char *nest_name(const struct nest *e, char *buf, size_t cap)
{
	switch (e->kind) {
	case NK_SQUOTE: return "single quote";
	case NK_DQUOTE: return "double quote";
	default:
		snprintf(buf, cap, "'%c'", e->open);
		return buf;
	}
}

static int grow(char **buf, size_t *cap)
{
	size_t ncap = *cap * 2;
	char *nb;
	if (ncap < *cap)
		return -1;
	nb = realloc(*buf, ncap);
	if (!nb)
		return -1;
	*buf = nb;
	*cap = ncap;
	return 0;
}

/* Where the word is: the messages carry socat's words: an unclosed quote or bracket is an
 * "unexpected end of address" in the address head and a "syntax error" in an option. A
 * command line (EXEC's argv) gets neither lead. */
enum lex_ctx { LX_HEAD, LX_OPTION, LX_CMDLINE };

/* One word being lexed: the input, the position, the word so far and the open nestings. */
struct lexer {
	const char *whole, *what, *s;
	size_t base, i;           /* s - whole; the position in s */
	char *buf;
	size_t len, cap, maxlen;
	struct nest_stack st;
	struct addr_error *err;
};

static int lx_oom(struct lexer *lx)
{
	addr_set_error(lx->err, lx->what, lx->whole, lx->base + lx->i, "out of memory");
	return -1;
}

/* Append one byte to the word (the input position names the offending byte). */
static int lx_put(struct lexer *lx, char ch)
{
	if (lx->len + 1 >= lx->maxlen) {
		addr_set_error(lx->err, lx->what, lx->whole, lx->base + lx->i,
			       "word is too long at offset %zu (at most %zu bytes allowed)", lx->base + lx->i,
			       lx->maxlen - 1);
		return -1;
	}
	if (lx->len + 1 >= lx->cap && grow(&lx->buf, &lx->cap) < 0)
		return lx_oom(lx);
	lx->buf[lx->len++] = ch;
	return 0;
}

/* Open a quote or bracket at the current position. */
static int lx_open(struct lexer *lx, enum nest_kind kind, char c, bool keep)
{
	struct nest e = { kind, kind == NK_BRACKET ? closer_of(c) : c, c, keep, lx->base + lx->i };
	if (nest_push(&lx->st, e) < 0)
		return lx_oom(lx);
	return 0;
}

static enum nest_kind quote_kind(char c)
{
	return c == '\'' ? NK_SQUOTE : NK_DQUOTE;
}

/* Outside any nesting: quotes open (and are dropped), brackets open (and are kept). */
static int lx_top_level(struct lexer *lx, char c)
{
	if (c == '\'' || c == '"')
		return lx_open(lx, quote_kind(c), c, false);
	if (closer_of(c) && lx_open(lx, NK_BRACKET, c, true) < 0)
		return -1;
	/* A closer with nothing to close is literal, as in socat (EXEC:'echo :)'). */
	return lx_put(lx, c);
}

/* Inside '...': everything is literal up to the closing quote. */
static int lx_in_squote(struct lexer *lx, char c)
{
	if (c != '\'')
		return lx_put(lx, c);
	bool keep = lx->st.v[lx->st.n - 1].keep;
	lx->st.n--;
	return keep ? lx_put(lx, c) : 0;
}

/* Inside "...": single quotes and brackets nest (and are kept). */
static int lx_in_dquote(struct lexer *lx, char c)
{
	if (c == '"') {
		bool keep = lx->st.v[lx->st.n - 1].keep;
		lx->st.n--;
		return keep ? lx_put(lx, c) : 0;
	}
	if (c == '\'')
		return lx_open(lx, NK_SQUOTE, c, true) < 0 ? -1 : lx_put(lx, c);
	if (closer_of(c) && lx_open(lx, NK_BRACKET, c, true) < 0)
		return -1;
	/* a stray closer inside double quotes is literal */
	return lx_put(lx, c);
}

/* Inside a bracket: its own closer ends it; quotes and brackets nest (all kept). */
static int lx_in_bracket(struct lexer *lx, char c)
{
	if (c == lx->st.v[lx->st.n - 1].close) {
		lx->st.n--;
		return lx_put(lx, c);
	}
	/* A closer of another kind is literal, as in socat (EXEC:echo a([)])b): only this
	 * bracket's own closer ends it. */
	if (c == '\'' || c == '"') {
		if (lx_open(lx, quote_kind(c), c, true) < 0)
			return -1;
	} else if (closer_of(c) && lx_open(lx, NK_BRACKET, c, true) < 0) {
		return -1;
	}
	return lx_put(lx, c);
}

/* The word ended with a quote or bracket still open: name the innermost (and its parent). */
static void lx_unclosed(struct lexer *lx, enum lex_ctx ctx)
{
	const struct nest *e = &lx->st.v[lx->st.n - 1];
	char lead[64], nb1[8], nb2[8];
	if (ctx == LX_OPTION)
		snprintf(lead, sizeof lead, "syntax error in option: ");
	else if (ctx == LX_HEAD)
		snprintf(lead, sizeof lead, "unexpected end of %s: ", lx->what ? lx->what : "address");
	else
		lead[0] = '\0';
	if (lx->st.n > 1) {
		const struct nest *p = &lx->st.v[lx->st.n - 2];
		addr_set_error(lx->err, lx->what, lx->whole, e->at,
			       "%sunclosed %s at offset %zu (inside the %s at offset %zu); expected a closing %c before the end",
			       lead, nest_name(e, nb1, sizeof nb1), e->at, nest_name(p, nb2, sizeof nb2), p->at,
			       e->close);
	} else {
		addr_set_error(lx->err, lx->what, lx->whole, e->at,
			       "%sunclosed %s at offset %zu; expected a closing %c before the end", lead,
			       nest_name(e, nb1, sizeof nb1), e->at, e->close);
	}
}

/* Scan the word up to a terminator outside any nesting, or the end. Returns 0 or -1 (error
 * set). */
static int lx_scan(struct lexer *lx, const char *const *ends)
{
	const char *s = lx->s;
	while (s[lx->i]) {
		char c = s[lx->i];
		int rc;
		if (c == '\\') {
			if (s[lx->i + 1] == '\0') { /* trailing lone backslash: dropped */
				lx->i++;
				break;
			}
			if (lx_put(lx, decode_escape(s[lx->i + 1])) < 0)
				return -1;
			lx->i += 2;
			continue;
		}
		if (!lx->st.n) {
			if (at_terminator(s + lx->i, ends))
				break;
			rc = lx_top_level(lx, c);
		} else {
			switch (lx->st.v[lx->st.n - 1].kind) {
			case NK_SQUOTE: rc = lx_in_squote(lx, c); break;
			case NK_DQUOTE: rc = lx_in_dquote(lx, c); break;
			default: rc = lx_in_bracket(lx, c); break;
			}
		}
		if (rc < 0)
			return -1;
		lx->i++;
	}
	return 0;
}

static int lex_word(const char *whole, const char *what, const char **in, const char *const *ends,
		    size_t maxlen, char **out, struct addr_error *err, enum lex_ctx ctx)
{
	struct lexer lx = { .what = what, .s = *in, .maxlen = maxlen ? maxlen : SIZE_MAX, .err = err };
	int rc = -1;

	lx.st.cap = 16;
	lx.st.v = lx.st.small;
	*out = NULL;
	lx.whole = !whole || whole > lx.s ? lx.s : whole;
	lx.base = (size_t)(lx.s - lx.whole);
	/* grown on demand: scanning the rest of the input up front would make splitting a long
	 * command line quadratic */
	lx.cap = 64;
	lx.buf = malloc(lx.cap);
	if (!lx.buf) {
		addr_set_error(err, what, lx.whole, lx.base, "out of memory");
		return -1;
	}
	if (lx_scan(&lx, ends) == 0) {
		if (lx.st.n) {
			lx_unclosed(&lx, ctx);
		} else {
			lx.buf[lx.len] = '\0';
			*out = lx.buf;
			lx.buf = NULL;
			*in = lx.s + lx.i;
			rc = 0;
		}
	}
	free(lx.buf);
	if (lx.st.v != lx.st.small)
		free(lx.st.v);
	return rc;
}

int addr_lex_word_in(const char *whole, const char *what, const char **in, const char *const *ends,
		     size_t maxlen, char **out, struct addr_error *err)
{
	return lex_word(whole, what, in, ends, maxlen, out, err, LX_HEAD);
}

int addr_lex_optword_in(const char *whole, const char *what, const char **in, const char *const *ends,
			size_t maxlen, char **out, struct addr_error *err)
{
	return lex_word(whole, what, in, ends, maxlen, out, err, LX_OPTION);
}

int addr_lex_word(const char **in, const char *const *ends, size_t maxlen, char **out, struct addr_error *err)
{
	return addr_lex_word_in(*in, "word", in, ends, maxlen, out, err);
}

/* ------------------------------------------------------------------------------------------ */

void addr_free_words(char **words)
{
	if (!words)
		return;
	for (size_t k = 0; words[k]; k++)
		free(words[k]);
	free(words);
}

char **addr_split_words_in(const char *text, const char *what, struct addr_error *err)
{
	static const char *const blanks[] = { " ", "\t", NULL };
	const char *p = text;
	char **v;
	size_t n = 0, cap = 8;

	if (!text) {
		addr_set_error(err, what, "", 0, "no command line given");
		return NULL;
	}
	v = malloc(cap * sizeof *v);
	if (!v) {
		addr_set_error(err, what, text, 0, "out of memory");
		return NULL;
	}
	for (;;) {
		char *w;
		const char *start;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		start = p;
		if (lex_word(text, what, &p, blanks, 0, &w, err, LX_CMDLINE) < 0)
			goto fail;
		/* a word that was nothing but a trailing lone backslash is no word at all */
		if (p - start == 1 && *start == '\\') {
			free(w);
			continue;
		}
		if (n + 1 >= cap) {
			char **nv = realloc(v, cap * 2 * sizeof *nv);
			if (!nv) {
				free(w);
				addr_set_error(err, what, text, (size_t)(p - text), "out of memory");
				goto fail;
			}
			v = nv;
			cap *= 2;
		}
		v[n++] = w;
	}
	v[n] = NULL;
	return v;
fail:
	v[n] = NULL;
	addr_free_words(v);
	return NULL;
}

char **addr_split_words(const char *text, struct addr_error *err)
{
	return addr_split_words_in(text, "command line", err);
}
