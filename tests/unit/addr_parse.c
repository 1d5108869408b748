/* Unit tests for the address grammar (src/addr): lexer rules, addr_parse, word splitting,
 * edit distance, and a large table of malformed addresses. */
#include "addr/addr.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static const char *const HEAD[] = { "!!", ",", ":", NULL };
static const char *const OPTNAME[] = { "!!", ",", "=", NULL };
static const char *const OPTVAL[] = { "!!", ",", NULL };
static const char *const BLANK[] = { " ", NULL };

/* ---- helpers ----------------------------------------------------------------------------- */

/* Lex one word; returns the word (caller frees) or NULL; *restp gets what is left. */
static char *lex(const char *in, const char *const *ends, size_t maxlen, const char **restp,
		 struct addr_error *e)
{
	const char *p = in;
	char *w = NULL;
	memset(e, 0, sizeof *e);
	if (addr_lex_word(&p, ends, maxlen, &w, e) < 0) {
		if (restp)
			*restp = NULL;
		return NULL;
	}
	if (restp)
		*restp = p;
	return w;
}

static void lex_is(const char *in, const char *const *ends, const char *want, const char *want_rest,
		   const char *name)
{
	struct addr_error e;
	const char *rest = NULL;
	char *w = lex(in, ends, ADDR_WORD_MAX, &rest, &e);
	if (!w) {
		tap_ok(0, "lex %s", name);
		tap_diag("input [%s]: unexpected error: %s", in, e.msg);
		return;
	}
	if (!tap_ok(!strcmp(w, want) && !strcmp(rest, want_rest), "lex %s", name))
		tap_diag("input [%s]: got word [%s] rest [%s], want [%s] rest [%s]", in, w, rest, want, want_rest);
	free(w);
}

static bool one_line(const char *m)
{
	return m[0] && !strchr(m, '\n') && !strchr(m, '\r');
}

static void lex_err(const char *in, const char *const *ends, size_t maxlen, const char *want_sub,
		    size_t want_pos, const char *name)
{
	struct addr_error e;
	char *w = lex(in, ends, maxlen, NULL, &e);
	if (w) {
		tap_ok(0, "lex error: %s", name);
		tap_diag("input [%s]: got word [%s], want an error", in, w);
		free(w);
		return;
	}
	if (!tap_ok(strstr(e.msg, want_sub) && e.pos == want_pos && one_line(e.msg), "lex error: %s", name))
		tap_diag("input [%s]: msg [%s] pos %zu; want [%s] pos %zu", in, e.msg, e.pos, want_sub, want_pos);
}

static void append(char *buf, size_t cap, const char *s)
{
	size_t l = strlen(buf);
	if (l + 1 < cap)
		snprintf(buf + l, cap - l, "%s", s);
}

/* Canonical dump: "K:OPEN p[a] o[n=v] o[flag]" per single, " !! " between dual halves.
 * Form letters: K keyword, F fd number, P path, S stdio. */
static void dump(const struct addr_spec *s, char *buf, size_t cap)
{
	buf[0] = '\0';
	for (int i = 0; i < 2 && s->single[i]; i++) {
		const struct addr_single *a = s->single[i];
		static const char forms[] = "KFPS";
		char t[8];
		if (i)
			append(buf, cap, " !! ");
		snprintf(t, sizeof t, "%c:", forms[a->form]);
		append(buf, cap, t);
		append(buf, cap, a->keyword);
		for (size_t k = 0; k < a->nparams; k++) {
			append(buf, cap, " p[");
			append(buf, cap, a->params[k]);
			append(buf, cap, "]");
		}
		for (size_t k = 0; k < a->nopts; k++) {
			append(buf, cap, " o[");
			append(buf, cap, a->opts[k].name);
			if (a->opts[k].value) {
				append(buf, cap, "=");
				append(buf, cap, a->opts[k].value);
			}
			append(buf, cap, "]");
		}
	}
}

static void parse_is(const char *in, const char *want)
{
	struct addr_error e;
	struct addr_spec *s = addr_parse(in, &e);
	char buf[8192];
	if (!s) {
		tap_ok(0, "parse [%s]", in);
		tap_diag("unexpected error: %s", e.msg);
		return;
	}
	dump(s, buf, sizeof buf);
	tap_is_str(buf, want, "parse [%s]", in);
	addr_spec_free(s);
}

/* The message must name the address: verbatim when it is short and printable, otherwise a
 * prefix of it (the part before the first control byte, at most 20 bytes). */
static bool names_text(const char *msg, const char *text)
{
	size_t n = 0;
	char pre[32];
	bool printable = true;
	for (const char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			printable = false;
	if (printable && strlen(text) <= 200) {
		char want[260];
		snprintf(want, sizeof want, "\"%s\"", text);
		return strstr(msg, want) != NULL;
	}
	while (text[n] && n < 20 && (unsigned char)text[n] >= 0x20 && text[n] != 0x7f)
		n++;
	memcpy(pre, text, n);
	pre[n] = '\0';
	return strstr(msg, pre) != NULL;
}

/* --list-bad: print the malformed addresses NUL-separated instead of testing them, so that
 * tests/core_malformed.t can run the real binary on each. */
static bool list_bad;

static void parse_bad(const char *in, const char *want_sub)
{
	struct addr_error e;
	struct addr_spec *s;
	char shown[80];
	size_t k, o = 0;

	if (list_bad) {
		fwrite(in, 1, strlen(in) + 1, stdout);
		return;
	}

	for (k = 0; in[k] && o + 5 < sizeof shown && k < 60; k++) {
		unsigned char c = (unsigned char)in[k];
		if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(shown + o, sizeof shown - o, "\\x%02x", c);
		else
			shown[o++] = (char)c;
	}
	shown[o] = '\0';
	if (in[k])
		snprintf(shown + o, sizeof shown - o, "...");

	memset(&e, 0, sizeof e);
	s = addr_parse(in, &e);
	if (!tap_ok(s == NULL, "rejects [%s]", shown)) {
		char buf[8192];
		dump(s, buf, sizeof buf);
		tap_diag("parsed as %s", buf);
		addr_spec_free(s);
		return;
	}
	if (!tap_ok(one_line(e.msg) && names_text(e.msg, in) && e.pos <= strlen(in) &&
			    (!want_sub || strstr(e.msg, want_sub)),
		    "message for [%s] is one line, names the address%s%s", shown, want_sub ? " and says " : "",
		    want_sub ? want_sub : ""))
		tap_diag("msg [%s] pos %zu", e.msg, e.pos);
}

static char *repeat(const char *pre, char c, size_t n, const char *post)
{
	size_t lp = strlen(pre), lq = strlen(post);
	char *s = malloc(lp + n + lq + 1);
	memcpy(s, pre, lp);
	memset(s + lp, c, n);
	memcpy(s + lp + n, post, lq + 1);
	return s;
}

/* ---- lexer rules ------------------------------------------------------------------------- */

static void test_lexer(void)
{
	struct addr_error e;
	const char *rest;
	char *w;

	tap_diag("lexer rules");
	lex_is("abc", HEAD, "abc", "", "plain word to end");
	lex_is("abc:def", HEAD, "abc", ":def", "stops at ':'");
	lex_is("abc,def", HEAD, "abc", ",def", "stops at ','");
	lex_is("abc!!def", HEAD, "abc", "!!def", "stops at '!!'");
	lex_is("a!b", HEAD, "a!b", "", "a single '!' is no terminator");
	lex_is("a!!!b", HEAD, "a", "!!!b", "'!!!' stops at the first '!!'");
	lex_is(":x", HEAD, "", ":x", "terminator first: empty word, nothing consumed");
	lex_is("", HEAD, "", "", "empty input");
	lex_is("a=b", HEAD, "a=b", "", "'=' is literal in the head");
	lex_is("a=b,c", OPTNAME, "a", "=b,c", "option name stops at '='");
	lex_is("a:b=c,d", OPTVAL, "a:b=c", ",d", "option value: ':' and '=' literal");
	lex_is("a:b!!c", OPTVAL, "a:b", "!!c", "option value stops at '!!'");
	lex_is("a b", BLANK, "a", " b", "blank terminator");
	lex_is("a:b,c!!d", NULL, "a:b,c!!d", "", "no terminators at all (NULL list)");

	/* escapes */
	lex_is("a\\:b", HEAD, "a:b", "", "\\: escapes the terminator (socat: OPEN:a\\:b -> a:b)");
	lex_is("a\\,b", HEAD, "a,b", "", "\\, escapes ','");
	lex_is("a\\!!b", HEAD, "a!!b", "", "\\! breaks up '!!'");
	lex_is("a\\ b", BLANK, "a b", "", "\\<space> escapes a blank");
	lex_is("\\a\\b\\f\\n\\r\\t\\v", HEAD, "\a\b\f\n\r\t\v", "", "C escapes a b f n r t v decoded");
	lex_is("a\\tb", HEAD, "a\tb", "", "\\t -> TAB");
	lex_is("a\\nb", HEAD, "a\nb", "", "\\n -> LF");
	lex_is("a\\qb", HEAD, "aqb", "", "other \\X -> X");
	lex_is("a\\\\b", HEAD, "a\\b", "", "\\\\ -> one backslash");
	lex_is("a\\'b", HEAD, "a'b", "", "\\' is a literal quote");
	lex_is("a\\\"b", HEAD, "a\"b", "", "\\\" is a literal double quote");
	lex_is("a\\(b", HEAD, "a(b", "", "\\( is a literal bracket, opens nothing");
	lex_is("a\\)b", HEAD, "a)b", "", "\\) is a literal closer");
	lex_is("abc\\", HEAD, "abc", "", "trailing lone backslash dropped");
	lex_is("\\", HEAD, "", "", "a lone backslash is an empty word");
	lex_is("ab\\\\", HEAD, "ab\\", "", "escaped backslash at the end is kept");
	w = lex("a\\0b", HEAD, ADDR_WORD_MAX, &rest, &e);
	tap_ok(w && w[0] == 'a' && w[1] == '\0' && w[2] == 'b' && *rest == '\0',
	       "\\0 decodes to a NUL byte (the C string ends there, as in socat)");
	free(w);

	/* single quotes */
	lex_is("'a:b,c!!d'", HEAD, "a:b,c!!d", "", "'...' disables terminators, quotes removed");
	lex_is("'a\\tb'", HEAD, "a\tb", "", "escapes apply inside '...' (socat: OPEN:'a\\tb')");
	lex_is("'a\\'b'", HEAD, "a'b", "", "\\' inside '...' does not close it");
	lex_is("'a(b'", HEAD, "a(b", "", "no nesting inside '...'");
	lex_is("'a)b]c}'", HEAD, "a)b]c}", "", "closers literal inside '...'");
	lex_is("'a\"b'", HEAD, "a\"b", "", "double quote literal inside '...'");
	lex_is("''", HEAD, "", "", "empty '' is an empty word");
	lex_is("x'a:b'y:z", HEAD, "xa:by", ":z", "quotes in the middle of a word");
	lex_is("'a'\"b\"c", HEAD, "abc", "", "adjacent quoted pieces concatenate");
	lex_is("'a b' c", BLANK, "a b", " c", "'...' groups blanks");

	/* double quotes */
	lex_is("\"a:b,c\"", HEAD, "a:b,c", "", "\"...\" disables terminators (socat: OPEN:\"a:b,c\")");
	lex_is("\"a!!b\"", HEAD, "a!!b", "", "'!!' literal inside \"...\"");
	lex_is("\"a'q'b\"", HEAD, "a'q'b", "", "'...' inside \"...\" kept verbatim");
	lex_is("\"a'b\"c'd\"", HEAD, "a'b\"c'd", "", "a double quote inside nested '...' does not close");
	lex_is("\"a(b)c\"", HEAD, "a(b)c", "", "brackets inside \"...\" kept");
	lex_is("\"a(b\"c\")d\"", HEAD, "a(b\"c\")d", "", "a double quote inside a nested bracket is kept and nests");
	lex_err("\"a(b\"c)d\"", HEAD, ADDR_WORD_MAX, "unclosed '(' at offset 2 (inside the double quote at offset 0)", 2,
		"socat's \"a(b\"c)d\": the quote inside the bracket opens a nested one");
	lex_is("\"a)b\"", HEAD, "a)b", "", "a stray closer inside \"...\" is literal");
	lex_is("\"a\\\"b\"", HEAD, "a\"b", "", "\\\" inside \"...\" is a literal quote");
	lex_is("\"a\\tb\"", HEAD, "a\tb", "", "escapes apply inside \"...\"");
	lex_is("\"a'b\\tc'd\"", HEAD, "a'b\tc'd", "", "escapes apply inside '...' nested in \"...\"");
	lex_is("\"\"", HEAD, "", "", "empty \"\" is an empty word");
	lex_is("\"a b\"  c", BLANK, "a b", "  c", "\"...\" groups blanks");

	/* brackets */
	lex_is("x[1:2]y", HEAD, "x[1:2]y", "", "[...] keeps terminators and brackets (socat: x[1:2]y)");
	lex_is("{a!!b}", HEAD, "{a!!b}", "", "{...} keeps '!!' (socat: {a!!b})");
	lex_is("(a,b:c)d,e", HEAD, "(a,b:c)d", ",e", "(...) keeps ',' and ':'");
	lex_is("[::1]:80", HEAD, "[::1]", ":80", "IPv6 literal stays one word");
	lex_is("([{a:b}]):c", HEAD, "([{a:b}])", ":c", "nesting of all three kinds");
	lex_is("((a)(b)):c", HEAD, "((a)(b))", ":c", "sibling nests");
	lex_is("(a\\,b)", HEAD, "(a,b)", "", "escapes decoded inside brackets");
	lex_is("(a\\)b)", HEAD, "(a)b)", "", "an escaped closer does not close");
	lex_is("(a\\tb)", HEAD, "(a\tb)", "", "C escapes decoded inside brackets");
	lex_is("(a'b,c'd)", HEAD, "(a'b,c'd)", "", "'...' inside brackets kept verbatim");
	lex_is("(a\"b,c\"d)", HEAD, "(a\"b,c\"d)", "", "\"...\" inside brackets kept verbatim");
	lex_is("(a\"b)c\"d)", HEAD, "(a\"b)c\"d)", "", "a closer inside quotes inside brackets is literal");
	lex_is("(a')'b)", HEAD, "(a')'b)", "", "a closer inside '...' inside brackets is literal");
	lex_is("(a b) c", BLANK, "(a b)", " c", "brackets group blanks");
	{
		char *deep = malloc(200001);
		memset(deep, '(', 100000);
		memset(deep + 100000, ')', 100000);
		deep[200000] = '\0';
		w = lex(deep, HEAD, 0, &rest, &e);
		tap_ok(w && strlen(w) == 200000 && *rest == '\0', "100000 nested brackets (no length limit)");
		free(w);
		deep[199999] = '\0';
		w = lex(deep, HEAD, 0, &rest, &e);
		tap_ok(!w && strstr(e.msg, "unclosed '('") && e.pos == 0,
		       "100000 brackets with one ')' missing: unclosed '(' at offset 0");
		free(w);
		free(deep);
	}

	/* errors */
	lex_err("'abc", HEAD, ADDR_WORD_MAX, "unclosed single quote at offset 0", 0, "unclosed '");
	lex_err("ab'c", HEAD, ADDR_WORD_MAX, "unclosed single quote at offset 2", 2, "unclosed ' mid-word");
	lex_err("\"abc", HEAD, ADDR_WORD_MAX, "unclosed double quote at offset 0", 0, "unclosed \"");
	lex_err("(abc", HEAD, ADDR_WORD_MAX, "unclosed '(' at offset 0", 0, "unclosed (");
	lex_err("x[abc", HEAD, ADDR_WORD_MAX, "unclosed '[' at offset 1", 1, "unclosed [");
	lex_err("{{a}", HEAD, ADDR_WORD_MAX, "unclosed '{' at offset 0", 0, "unclosed outer {");
	/* a closer with nothing to close is literal, as in socat (EXEC:'echo :)') */
	lex_is("abc)", HEAD, "abc)", "", "stray ) is literal");
	lex_is("]", HEAD, "]", "", "stray ] is literal");
	lex_is("a}:b", HEAD, "a}", ":b", "stray } is literal, terminators still work");
	/* inside a bracket only its own closer ends it; another kind's closer is literal, as in
	 * socat (EXEC:echo a([)])b prints a([)])b) */
	lex_is("a([)])b", HEAD, "a([)])b", "", "a ')' inside '[' is literal");
	lex_is("(]):c", HEAD, "(])", ":c", "a ']' inside '(' is literal, the ')' closes");
	lex_is("{)]}:c", HEAD, "{)]}", ":c", "')' and ']' inside '{' are literal");
	lex_is("[}:x]:c", HEAD, "[}:x]", ":c", "a '}' inside '[' is literal, terminators stay literal");
	lex_is("([]])", HEAD, "([]])", "", "the second ']' is literal inside '('");
	lex_is("(\"])\")", HEAD, "(\"])\")", "", "a closer in quotes in brackets stays literal");
	lex_err("(a]", HEAD, ADDR_WORD_MAX, "unclosed '(' at offset 0", 0, "( never closed: the ']' is literal");
	lex_err("([a)]", HEAD, ADDR_WORD_MAX, "unclosed '(' at offset 0", 0, "[ closed by its ], ( left open");
	lex_err("\"a[b\"c]d", HEAD, ADDR_WORD_MAX, "unclosed double quote at offset 4 (inside the '[' at offset 2)", 4,
		"socat's \"a[b\"c]d: the inner quote is unclosed");
	lex_err("'abc\\", HEAD, ADDR_WORD_MAX, "unclosed single quote", 0, "backslash at the end inside '...'");
	lex_err("(a'b)", HEAD, ADDR_WORD_MAX, "unclosed single quote at offset 2 (inside the '(' at offset 0)", 2,
		"quote opened inside brackets");
	lex_err("\"a(b\"", HEAD, ADDR_WORD_MAX, "unclosed double quote at offset 4 (inside the '(' at offset 2)", 4,
		"bracket opened inside \"...\" swallows the closing quote");
	lex_err("abc(", BLANK, ADDR_WORD_MAX, "expected a closing )", 3, "error text says what was expected");
	lex_err("'a", HEAD, ADDR_WORD_MAX, "expected a closing '", 0, "unclosed quote says what was expected");

	/* length limits: maxlen counts the NUL */
	{
		char *s511 = repeat("", 'a', 511, ""), *s512 = repeat("", 'a', 512, "");
		char *s2047 = repeat("", '1', 2047, ""), *s2048 = repeat("", '1', 2048, "");
		char *t511 = malloc(1023), *q;
		w = lex(s511, HEAD, ADDR_WORD_MAX, &rest, &e);
		tap_ok(w && strlen(w) == 511, "511-byte address word accepted (socat: same)");
		free(w);
		lex_err(s512, HEAD, ADDR_WORD_MAX, "too long", 511, "512-byte address word rejected");
		w = lex(s2047, OPTVAL, ADDR_OPTWORD_MAX, &rest, &e);
		tap_ok(w && strlen(w) == 2047, "2047-byte option word accepted");
		free(w);
		lex_err(s2048, OPTVAL, ADDR_OPTWORD_MAX, "at most 2047 bytes", 2047, "2048-byte option word rejected");
		for (q = t511; q < t511 + 1022; q += 2)
			q[0] = '\\', q[1] = 't';
		t511[1022] = '\0';
		w = lex(t511, HEAD, ADDR_WORD_MAX, &rest, &e);
		tap_ok(w && strlen(w) == 511, "limit counts decoded bytes (511 x \\t in 1022 source bytes)");
		free(w);
		w = lex(s512, HEAD, 0, &rest, &e);
		tap_ok(w && strlen(w) == 512, "maxlen 0 means no limit");
		free(w);
		free(s511), free(s512), free(s2047), free(s2048), free(t511);
	}

	/* addr_lex_word_in: offsets relative to the whole text */
	{
		const char *whole = "OPEN:x,mode='abc";
		const char *p = whole + 12;
		memset(&e, 0, sizeof e);
		w = NULL;
		tap_ok(addr_lex_word_in(whole, "option", &p, OPTVAL, ADDR_OPTWORD_MAX, &w, &e) < 0 && e.pos == 12 &&
			       strstr(e.msg, "option \"OPEN:x,mode='abc\"") && strstr(e.msg, "offset 12") && !w,
		       "addr_lex_word_in reports offsets and text of the whole string");
		tap_diag("%s", e.msg);
		p = whole + 5;
		tap_ok(addr_lex_word_in(whole, "address", &p, HEAD, ADDR_WORD_MAX, &w, &e) == 0 && !strcmp(w, "x") &&
			       p == whole + 6,
		       "addr_lex_word_in advances *in");
		free(w);
	}
	{
		const char *p = "'unclosed";
		w = (char *)"sentinel";
		tap_ok(addr_lex_word(&p, HEAD, ADDR_WORD_MAX, &w, &e) < 0 && w == NULL && !strcmp(p, "'unclosed"),
		       "on error *out is NULL and *in is unchanged");
	}
}

/* ---- valid addresses --------------------------------------------------------------------- */

static void test_valid(void)
{
	tap_diag("valid addresses");
	/* socat's observed examples */
	parse_is("OPEN:a\\:b", "K:OPEN p[a:b]");
	parse_is("OPEN:\"a:b,c\"", "K:OPEN p[a:b,c]");
	parse_is("OPEN:'a\\tb'", "K:OPEN p[a\tb]");
	parse_is("OPEN:\"a'q'b\"", "K:OPEN p[a'q'b]");
	parse_is("EXEC:echo a([)])b", "K:EXEC p[echo a([)])b]");
	parse_is("OPEN:x(],y)z,creat", "K:OPEN p[x(],y)z] o[creat]");
	parse_is("OPEN:x[1:2]y", "K:OPEN p[x[1:2]y]");
	parse_is("OPEN:{a!!b}", "K:OPEN p[{a!!b}]");
	/* reference examples */
	parse_is("TCP4-LISTEN:8080,bind=127.0.0.1,reuseaddr,fork",
		 "K:TCP4-LISTEN p[8080] o[bind=127.0.0.1] o[reuseaddr] o[fork]");
	parse_is("TCP6-LISTEN:80,ipv6only=0", "K:TCP6-LISTEN p[80] o[ipv6only=0]");
	parse_is("UDP4-RECVFROM:53,fork", "K:UDP4-RECVFROM p[53] o[fork]");
	parse_is("OPEN:/var/log/x,creat,append", "K:OPEN p[/var/log/x] o[creat] o[append]");
	parse_is("/dev/ttyUSB0,b115200,raw,echo=0", "P:GOPEN p[/dev/ttyUSB0] o[b115200] o[raw] o[echo=0]");
	parse_is("SOCKS4A:proxy:example.org:22,socksport=9050",
		 "K:SOCKS4A p[proxy] p[example.org] p[22] o[socksport=9050]");
	parse_is("EXEC:'ssh -t host',pty,setsid,ctty,stderr", "K:EXEC p[ssh -t host] o[pty] o[setsid] o[ctty] o[stderr]");
	parse_is("READLINE!!OPEN:/tmp/log,creat,trunc", "K:READLINE !! K:OPEN p[/tmp/log] o[creat] o[trunc]");
	parse_is("PIPE:/tmp/in!!OPEN:/tmp/out,creat", "K:PIPE p[/tmp/in] !! K:OPEN p[/tmp/out] o[creat]");
	parse_is("3", "F:FD p[3]");
	parse_is("TCP-L:7777,fork", "K:TCP-L p[7777] o[fork]");
	parse_is("SYSTEM:'socat - \"OPENSSL:host:443,verify=0\"'",
		 "K:SYSTEM p[socat - \"OPENSSL:host:443,verify=0\"]");
	parse_is("setsockopt-test:x,setsockopt=6:1:x01000000", "K:setsockopt-test p[x] o[setsockopt=6:1:x01000000]");
	/* forms */
	parse_is("-", "S:-");
	parse_is("-,crnl", "S:- o[crnl]");
	parse_is("-:x", "S:- p[x]");
	parse_is("-!!-", "S:- !! S:-");
	parse_is("-!!OPEN:f", "S:- !! K:OPEN p[f]");
	parse_is("\"-\"", "S:-");
	parse_is("--", "K:--");
	parse_is("-x", "K:-x");
	parse_is("0", "F:FD p[0]");
	parse_is("9,nonblock", "F:FD p[9] o[nonblock]");
	parse_is("3:4", "F:FD p[3] p[4]");
	parse_is("10", "K:10");
	parse_is("03", "K:03");
	parse_is("./x", "P:GOPEN p[./x]");
	parse_is("/tmp/x:y", "P:GOPEN p[/tmp/x] p[y]");
	parse_is("'/tmp/a:b',creat", "P:GOPEN p[/tmp/a:b] o[creat]");
	parse_is("a\\/b", "P:GOPEN p[a/b]");
	parse_is("(a/b)", "P:GOPEN p[(a/b)]");
	parse_is("/", "P:GOPEN p[/]");
	parse_is("/dev/null!!/dev/null", "P:GOPEN p[/dev/null] !! P:GOPEN p[/dev/null]");
	parse_is("stdio", "K:stdio");
	parse_is("StDiO,Crnl=1", "K:StDiO o[Crnl=1]");
	/* params */
	parse_is("OPEN:x:", "K:OPEN p[x] p[]");
	parse_is("OPEN:", "K:OPEN p[]");
	parse_is("OPEN::", "K:OPEN p[] p[]");
	parse_is("A:b:c:d:e:f", "K:A p[b] p[c] p[d] p[e] p[f]");
	parse_is("TCP6:[::1]:80", "K:TCP6 p[[::1]] p[80]");
	parse_is("TCP6:[fe80::1%eth0]:80,bind=[::1]:0", "K:TCP6 p[[fe80::1%eth0]] p[80] o[bind=[::1]:0]");
	parse_is("OPEN:a=b", "K:OPEN p[a=b]");
	parse_is("OPEN:a b", "K:OPEN p[a b]");
	parse_is("OPEN:'':x", "K:OPEN p[] p[x]");
	parse_is("OPEN:a!b", "K:OPEN p[a!b]");
	parse_is("OPEN:a\\!!b", "K:OPEN p[a!!b]");
	parse_is("OPEN:\"a!!b\"!!-", "K:OPEN p[a!!b] !! S:-");
	parse_is("OPEN:x'y'z", "K:OPEN p[xyz]");
	parse_is("OPEN:\\'x", "K:OPEN p['x]");
	/* options */
	parse_is("OPEN:x,,y", "K:OPEN p[x] o[y]");
	parse_is("OPEN:x,", "K:OPEN p[x]");
	parse_is("OPEN:x,,,", "K:OPEN p[x]");
	parse_is("OPEN:x,creat,!!OPEN:y", "K:OPEN p[x] o[creat] !! K:OPEN p[y]");
	parse_is("OPEN:x,a=", "K:OPEN p[x] o[a=]");
	parse_is("OPEN:x,a=''", "K:OPEN p[x] o[a=]");
	parse_is("OPEN:x,a=b=c", "K:OPEN p[x] o[a=b=c]");
	parse_is("OPEN:x,a=b:c", "K:OPEN p[x] o[a=b:c]");
	parse_is("OPEN:x,mode=\"a,b\"", "K:OPEN p[x] o[mode=a,b]");
	parse_is("OPEN:x,a='b!!c'", "K:OPEN p[x] o[a=b!!c]");
	parse_is("OPEN:x,a=b!!OPEN:y,c=d", "K:OPEN p[x] o[a=b] !! K:OPEN p[y] o[c=d]");
	parse_is("OPEN:x,(mo)de", "K:OPEN p[x] o[(mo)de]");
	parse_is("OPEN:x,'a=b'=c", "K:OPEN p[x] o[a=b=c]");
	parse_is("OPEN:x,a\\=b=c", "K:OPEN p[x] o[a=b=c]");
	parse_is("OPEN:x,Bind=[::1]:80", "K:OPEN p[x] o[Bind=[::1]:80]");
	parse_is("OPEN:x,a=\\,", "K:OPEN p[x] o[a=,]");
	parse_is("OPEN:x,a=(1,2)", "K:OPEN p[x] o[a=(1,2)]");
	parse_is("OPEN:x, y", "K:OPEN p[x] o[ y]");
	parse_is("EXEC:\"sh -c 'echo a,b'\",pty", "K:EXEC p[sh -c 'echo a,b'] o[pty]");
	parse_is("X,a,b", "K:X o[a] o[b]");
	parse_is("X!!Y", "K:X !! K:Y");
}

static void test_texts(void)
{
	struct addr_error e;
	struct addr_spec *s = addr_parse("OPEN:'a b',creat,mode=\"0600\"!!3,x", &e);
	tap_diag("raw texts");
	if (!tap_ok(s != NULL, "dual with quoted parts parses")) {
		tap_diag("%s", e.msg);
		return;
	}
	tap_is_str(s->text, "OPEN:'a b',creat,mode=\"0600\"!!3,x", "spec text is the whole address");
	tap_ok(s->dual, "dual flag set");
	tap_is_str(s->single[0]->text, "OPEN:'a b',creat,mode=\"0600\"", "read side text is raw");
	tap_is_str(s->single[1]->text, "3,x", "write side text is raw");
	tap_is_int(s->single[0]->nopts, 2, "two options");
	tap_is_str(s->single[0]->opts[0].text, "creat", "option text");
	tap_ok(s->single[0]->opts[0].value == NULL, "flag option has NULL value");
	tap_is_str(s->single[0]->opts[1].text, "mode=\"0600\"", "option text keeps quotes");
	tap_is_str(s->single[0]->opts[1].value, "0600", "option value is unquoted");
	tap_is_int(s->single[1]->form, AF_FORM_FDNUM, "write side is a FD shorthand");
	tap_is_str(s->single[1]->keyword, "FD", "FD shorthand keyword");
	addr_spec_free(s);

	s = addr_parse("TCP:h:1", &e);
	tap_ok(s && !s->dual && s->single[1] == NULL && s->single[0]->form == AF_FORM_KEYWORD,
	       "single address: not dual, single[1] NULL");
	tap_is_str(s ? s->single[0]->text : NULL, "TCP:h:1", "single text");
	addr_spec_free(s);
	addr_spec_free(NULL);
	tap_ok(1, "addr_spec_free(NULL) is harmless");

	s = addr_parse(NULL, &e);
	tap_ok(!s && one_line(e.msg), "NULL text is an error: %s", e.msg);
	s = addr_parse("'x", NULL);
	tap_ok(!s, "err may be NULL");
}

/* ---- malformed addresses ----------------------------------------------------------------- */

struct bad {
	const char *text;
	const char *sub; /* expected part of the message, or NULL */
};

static const struct bad bad_table[] = {
	/* empty parts */
	{ "", "empty address" },
	{ ":foo", "empty address type before ':'" },
	{ ":", "empty address type" },
	{ ",", "empty address type before ','" },
	{ ",crnl", "empty address type" },
	{ "::", "empty address type" },
	{ "''", "empty address type at offset 0" },
	{ "\"\"", "empty address type" },
	{ "'':x", "empty address type" },
	{ "\"\",opt", "empty address type" },
	{ "!!", "empty read address" },
	{ "!!-", "empty read address" },
	{ "!!OPEN:x", "empty read address" },
	{ "-!!", "empty write address" },
	{ "OPEN:x!!", "empty write address" },
	{ "OPEN:x,creat!!", "empty write address" },
	{ "OPEN:x,creat,!!", "empty write address" },
	{ "!!!!", "empty read address" },
	{ "-!!:x", "empty address type" },
	{ "-!!,x", "empty address type" },
	{ "OPEN:x!!''", "empty address type" },
	{ "OPEN:x,=5", "empty option name before '='" },
	{ "OPEN:x,=", "empty option name" },
	{ "OPEN:x,''", "empty option name" },
	{ "OPEN:x,\"\"=1", "empty option name" },
	{ "OPEN:x,a,=b", "empty option name" },
	{ "-,=", "empty option name" },
	{ "OPEN:x!!-,=y", "empty option name" },
	/* !! misuse */
	{ "a!!b!!c", "more than one '!!'" },
	{ "-!!-!!-", "more than one '!!'" },
	{ "OPEN:x!!OPEN:y!!", "more than one '!!'" },
	{ "OPEN:x!!OPEN:y!!OPEN:z", "more than one '!!'" },
	{ "a!!b,c!!d", "more than one '!!'" },
	{ "a!!b,c=d!!e", "more than one '!!'" },
	{ "a!!b:c!!d", "more than one '!!'" },
	{ "a!!!!b", "empty" },
	{ "-!!!!", "empty write address" },
	{ "a!!b!!!!", "more than one '!!'" },
	/* unclosed single quotes */
	{ "'", "unclosed single quote at offset 0" },
	{ "'abc", "unclosed single quote at offset 0" },
	{ "OPEN:'abc", "unclosed single quote at offset 5" },
	{ "OPEN:a'bc", "unclosed single quote at offset 6" },
	{ "OPEN:abc'", "unclosed single quote at offset 8" },
	{ "OPEN:'a'b'c", "unclosed single quote at offset 9" },
	{ "OPEN:x,'creat", "unclosed single quote at offset 7" },
	{ "OPEN:x,mode='0600", "unclosed single quote at offset 12" },
	{ "OPEN:x!!OPEN:'y", "unclosed single quote at offset 13" },
	{ "OPEN:'x!!OPEN:y", "unclosed single quote" },
	{ "OPEN:'x,creat", "unclosed single quote" },
	{ "OPEN:'x\\'", "unclosed single quote" },
	{ "OPEN:'x\\", "unclosed single quote" },
	{ "EXEC:'ssh host,pty", "unclosed single quote" },
	{ "OPEN:x:'y", "unclosed single quote" },
	{ "'OPEN:x", "unclosed single quote" },
	{ "OP'EN:x", "unclosed single quote" },
	{ "OPEN:x,a='b,c", "unclosed single quote" },
	{ "OPEN:x,'a'='b", "unclosed single quote" },
	/* unclosed double quotes */
	{ "\"", "unclosed double quote at offset 0" },
	{ "OPEN:\"abc", "unclosed double quote at offset 5" },
	{ "OPEN:a\"bc", "unclosed double quote at offset 6" },
	{ "OPEN:abc\"", "unclosed double quote at offset 8" },
	{ "OPEN:\"a\"b\"c", "unclosed double quote at offset 9" },
	{ "OPEN:x,\"creat", "unclosed double quote" },
	{ "OPEN:x,mode=\"0600", "unclosed double quote" },
	{ "OPEN:x!!OPEN:\"y", "unclosed double quote" },
	{ "OPEN:\"x!!OPEN:y", "unclosed double quote" },
	{ "OPEN:\"x\\\"", "unclosed double quote" },
	{ "OPEN:\"x\\", "unclosed double quote" },
	{ "SYSTEM:\"echo 'hi'", "unclosed double quote" },
	{ "\"OPEN:x", "unclosed double quote" },
	{ "OPEN:\"a'b\"", "unclosed single quote" },
	{ "OPEN:\"a[b\"c]d", "unclosed double quote at offset 9 (inside the '[' at offset 7)" },
	{ "OPEN:\"a(b\"", "unclosed double quote" },
	{ "OPEN:\"a{b\"", "unclosed double quote" },
	{ "OPEN:\"(\"", "unclosed double quote" },
	{ "OPEN:\"'\"", "unclosed single quote" },
	/* unclosed brackets */
	{ "(", "unclosed '(' at offset 0" },
	{ "[", "unclosed '['" },
	{ "{", "unclosed '{'" },
	{ "OPEN:(abc", "unclosed '(' at offset 5" },
	{ "OPEN:[abc", "unclosed '[' at offset 5" },
	{ "OPEN:{abc", "unclosed '{' at offset 5" },
	{ "OPEN:((a)", "unclosed '(' at offset 5" },
	{ "OPEN:[[a]", "unclosed '['" },
	{ "OPEN:{{a}", "unclosed '{'" },
	{ "OPEN:([{a}]", "unclosed '('" },
	{ "OPEN:([{a}", "unclosed '['" },
	{ "OPEN:([{a", "unclosed '{'" },
	{ "TCP6:[::1:80", "unclosed '['" },
	{ "TCP6:[::1:80,fork", "unclosed '['" },
	{ "TCP6:[::1]:80,bind=[::1", "unclosed '['" },
	{ "OPEN:x,(a", "unclosed '('" },
	{ "OPEN:x,a=(b", "unclosed '('" },
	{ "OPEN:x,a=(b,c=d", "unclosed '('" },
	{ "OPEN:(x!!OPEN:y", "unclosed '('" },
	{ "OPEN:x!!OPEN:(y", "unclosed '('" },
	{ "(OPEN:x", "unclosed '('" },
	{ "OP{EN:x", "unclosed '{'" },
	{ "OPEN:(a'b)", "unclosed single quote" },
	{ "OPEN:(a\"b)", "unclosed double quote" },
	{ "OPEN:(a\\)", "unclosed '('" },
	{ "OPEN:(a\\", "unclosed '('" },
	{ "OPEN:x[1:2", "unclosed '['" },
	{ "OPEN:{a!!b", "unclosed '{'" },
	/* a closer of another kind is literal, so the bracket stays open */
	{ "OPEN:(a]", "unclosed '(' at offset 5" },
	{ "OPEN:[a)", "unclosed '['" },
	{ "OPEN:{a)", "unclosed '{'" },
	{ "OPEN:([a)]", "unclosed '(' at offset 5" },
	{ "OPEN:x,a=(b]", "unclosed '('" },
	{ "OPEN:x,(a}=b", "unclosed '('" },
	{ "TCP6:[::1):80", "unclosed '['" },
	/* trailing backslash edge cases that still leave something unclosed */
	{ "OPEN:'\\", "unclosed single quote" },
	{ "OPEN:\"\\", "unclosed double quote" },
	{ "OPEN:(\\", "unclosed '('" },
	{ "'\\'", "unclosed single quote" },
	{ "\"\\\"", "unclosed double quote" },
	{ "(\\)", "unclosed '('" },
	{ "OPEN:x,a='\\", "unclosed single quote" },
	{ "OPEN:x,a=\"\\", "unclosed double quote" },
	{ "OPEN:x,a=[\\]", "unclosed '['" },
	{ "\\", "empty address type" },
	/* binary junk without NUL */
	{ "\x01\x02'", "unclosed single quote" },
	{ "\xff\xfe(", "unclosed '('" },
	{ "OPEN:\n'x", "unclosed single quote" },
	{ "OPEN:x\r\n\"", "unclosed double quote" },
	{ "\t!!", "empty write address" },
	{ "\x1b[31m", "unclosed '['" },
	{ "\xc3\xa9:\xc3\xa9'", "unclosed single quote" },
	{ "a\x01!!\x02!!b", "more than one '!!'" },
	{ "\x05:\x06,=\x07", "empty option name" },
	{ ":\x01\x02\x03", "empty address type" },
	{ "\xef\xbb\xbf\"", "unclosed double quote" },
	{ "\x7f\x7f!!", "empty write address" },
};

static void test_bad(void)
{
	size_t n = 0;
	char buf[4096];
	static const char *const openers[] = { "'", "\"", "(", "[", "{", "([)", "\"(\"", NULL };
	static const char *const frames[] = {
		"%sOPEN:x",        "OPEN:%s",         "OPEN:x%s:y",   "OPEN:x,%s",        "OPEN:x,a=%s",
		"OPEN:x,a=b%s,c",  "OPEN:x!!OPEN:%s", "-!!-,%s",      "OPEN:x,%s!!OPEN:y", "TCP:h:%s:1,fork",
		"%s",              "-,a=%s",
	};

	if (!list_bad)
		tap_diag("malformed addresses");
	for (size_t k = 0; k < sizeof bad_table / sizeof bad_table[0]; k++) {
		parse_bad(bad_table[k].text, bad_table[k].sub);
		n++;
	}
	/* every unbalanced delimiter in every position */
	for (size_t f = 0; f < sizeof frames / sizeof frames[0]; f++)
		for (size_t o = 0; openers[o]; o++) {
			snprintf(buf, sizeof buf, frames[f], openers[o]);
			parse_bad(buf, NULL);
			n++;
		}
	/* over-long words, in every kind of word */
	{
		static const char *const longs[][2] = {
			{ "", "" },               /* keyword */
			{ "OPEN:", "" },          /* param */
			{ "OPEN:", ",creat" },    /* param followed by options */
			{ "OPEN:x:", ":y" },      /* second param */
			{ "OPEN:'", "'" },        /* quoted param */
			{ "OPEN:(", ")" },        /* bracketed param */
			{ "-!!OPEN:", "" },       /* param of the write side */
		};
		for (size_t k = 0; k < sizeof longs / sizeof longs[0]; k++) {
			char *s = repeat(longs[k][0], 'a', 600, longs[k][1]);
			parse_bad(s, "too long");
			n++;
			free(s);
		}
		{
			char *s = repeat("OPEN:x,", 'o', 2100, "");
			parse_bad(s, "too long");
			free(s);
			s = repeat("OPEN:x,a=", 'v', 2048, "");
			parse_bad(s, "at most 2047 bytes");
			free(s);
			s = repeat("OPEN:x,a=\"", 'v', 3000, "\"");
			parse_bad(s, "too long");
			free(s);
			s = repeat("", 'x', 100000, "'");
			parse_bad(s, "too long");
			free(s);
			s = repeat("OPEN:", '(', 300, "");
			parse_bad(s, "unclosed '(' at offset 304");
			free(s);
			s = repeat("OPEN:", '(', 50000, "");
			parse_bad(s, "too long");
			free(s);
			s = repeat("OPEN:'", 'q', 300, "");
			parse_bad(s, "unclosed single quote at offset 5");
			free(s);
			s = repeat("OPEN:'", 'q', 5000, "");
			parse_bad(s, "too long");
			free(s);
			n += 8;
		}
	}
	if (!list_bad)
		tap_ok(n >= 200, "at least 200 malformed addresses checked (%zu)", n);

	/* the message for a long address is cut but still one line and bounded */
	{
		char *s = repeat("OPEN:x,", 'o', 2100, "");
		struct addr_error e;
		tap_ok(!addr_parse(s, &e) && strstr(e.msg, "...") && strlen(e.msg) < sizeof e.msg - 1 &&
			       strstr(e.msg, "at offset") && one_line(e.msg),
		       "long address is cut with \"...\" and the detail survives");
		tap_diag("%s", e.msg);
		free(s);
	}
	/* control characters are shown escaped */
	{
		struct addr_error e;
		tap_ok(!addr_parse("OPEN:\n'", &e) && strstr(e.msg, "OPEN:\\x0a'"), "a newline is shown as \\x0a");
	}
	/* look odd, but are valid: the grammar knows no keywords */
	parse_is("\\:x", "K::x");
	parse_is("\n", "K:\n");
}

/* ---- word splitting ---------------------------------------------------------------------- */

static void words_is(const char *in, const char *const *want, const char *name)
{
	struct addr_error e;
	char **w = addr_split_words(in, &e);
	size_t k;
	bool ok = w != NULL;
	for (k = 0; ok && want[k]; k++)
		ok = w[k] && !strcmp(w[k], want[k]);
	ok = ok && w[k] == NULL;
	if (!tap_ok(ok, "split %s", name)) {
		if (!w)
			tap_diag("error: %s", e.msg);
		else
			for (k = 0; w[k]; k++)
				tap_diag("word %zu: [%s]", k, w[k]);
	}
	addr_free_words(w);
}

static void test_split(void)
{
	struct addr_error e;
	char **w;

	tap_diag("word splitting");
	words_is("ssh -t host", (const char *const[]){ "ssh", "-t", "host", NULL }, "on blanks");
	words_is("echo \"a b\"  c", (const char *const[]){ "echo", "a b", "c", NULL }, "double quotes group, runs of blanks collapse");
	words_is("echo a\\ b   c", (const char *const[]){ "echo", "a b", "c", NULL }, "escaped blank");
	words_is("  lead trail  ", (const char *const[]){ "lead", "trail", NULL }, "leading/trailing blanks ignored");
	words_is("a\tb", (const char *const[]){ "a", "b", NULL }, "tab separates too");
	words_is("sh -c 'echo x,y:z'", (const char *const[]){ "sh", "-c", "echo x,y:z", NULL }, "single quotes group");
	words_is("a '' b", (const char *const[]){ "a", "", "b", NULL }, "'' is an empty word");
	words_is("echo (a b)", (const char *const[]){ "echo", "(a b)", NULL }, "brackets group and are kept");
	words_is("echo a([)])b c", (const char *const[]){ "echo", "a([)])b", "c", NULL },
		 "a closer of another kind inside brackets is literal");
	words_is("a:b,c!!d", (const char *const[]){ "a:b,c!!d", NULL }, "address terminators are literal");
	words_is("echo \\", (const char *const[]){ "echo", NULL }, "trailing lone backslash drops");
	words_is("echo a\\", (const char *const[]){ "echo", "a", NULL }, "trailing backslash on a word");
	words_is("x\\ty", (const char *const[]){ "x\ty", NULL }, "C escapes");
	words_is("sh -c \"echo 'a b' :)\"", (const char *const[]){ "sh", "-c", "echo 'a b' :)", NULL },
		 "nested single quotes kept in double quotes, stray closer literal");
	words_is("", (const char *const[]){ NULL }, "empty string: no words");
	words_is("   ", (const char *const[]){ NULL }, "only blanks: no words");
	{
		char *big = repeat("", 'w', 5000, " x"), *word = repeat("", 'w', 5000, "");
		words_is(big, (const char *const[]){ word, "x", NULL }, "no word length limit");
		free(big);
		free(word);
	}
	w = addr_split_words("echo 'unclosed", &e);
	tap_ok(!w && strstr(e.msg, "command line \"echo 'unclosed\": unclosed single quote at offset 5") && e.pos == 5,
	       "unclosed quote: error names the command line");
	w = addr_split_words("echo (hi", &e);
	tap_ok(!w && strstr(e.msg, "unclosed '(' at offset 5") && one_line(e.msg), "unclosed bracket");
	w = addr_split_words("echo x)y :)", &e);
	tap_ok(w && w[0] && w[1] && w[2] && !w[3] && !strcmp(w[1], "x)y") && !strcmp(w[2], ":)"),
	       "a stray closer is literal, as in socat");
	addr_free_words(w);
	w = addr_split_words(NULL, &e);
	tap_ok(!w && one_line(e.msg), "NULL command line is an error");
	w = addr_split_words_in("a \"b", "EXEC", &e);
	tap_ok(!w && strstr(e.msg, "EXEC \"a \"b\": unclosed double quote at offset 2"), "addr_split_words_in labels the message");
	addr_free_words(NULL);
	tap_ok(1, "addr_free_words(NULL) is harmless");
}

/* ---- edit distance ----------------------------------------------------------------------- */

static void test_distance(void)
{
	tap_diag("edit distance");
	tap_is_int(addr_edit_distance("", ""), 0, "empty/empty");
	tap_is_int(addr_edit_distance("abc", ""), 3, "abc/empty");
	tap_is_int(addr_edit_distance("", "abcd"), 4, "empty/abcd");
	tap_is_int(addr_edit_distance("TCP-LISTEN", "tcp-listen"), 0, "case-insensitive");
	tap_is_int(addr_edit_distance("tcp-lisen", "TCP-LISTEN"), 1, "one deletion");
	tap_is_int(addr_edit_distance("tcp-lsiten", "TCP-LISTEN"), 1, "adjacent swap counts 1");
	tap_is_int(addr_edit_distance("opne", "open"), 1, "swap at the end");
	tap_is_int(addr_edit_distance("kitten", "sitting"), 3, "kitten/sitting");
	tap_is_int(addr_edit_distance("udp4", "tcp4"), 2, "two substitutions");
	tap_is_int(addr_edit_distance("ca", "abc"), 3, "OSA: ca/abc is 3");
	tap_is_int(addr_edit_distance("reuseaddr", "reuseadr"), 1, "missing letter");
	tap_is_int(addr_edit_distance(NULL, "ab"), 2, "NULL counts as empty");
	tap_is_int(addr_edit_distance("ab", "ba"), 1, "ab/ba");
	tap_is_int(addr_edit_distance("abc", "abc"), 0, "equal");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--list-bad")) {
		list_bad = true;
		test_bad();
		return 0;
	}
	test_lexer();
	test_valid();
	test_texts();
	test_bad();
	test_split();
	test_distance();
	return tap_done();
}
