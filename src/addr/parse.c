/* addr_parse: command-line address -> struct addr_spec. Knows no address family: it only
 * splits the text into keyword, ':' parameters and ',' options with the lexer's rules. */
#include "addr/addr.h"

#include <stdlib.h>
#include <string.h>

static const char *const head_ends[] = { "!!", ",", ":", NULL };
static const char *const optname_ends[] = { "!!", ",", "=", NULL };
static const char *const optval_ends[] = { "!!", ",", NULL };

static char *dup_span(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static void single_free(struct addr_single *a)
{
	if (!a)
		return;
	free(a->keyword);
	for (size_t k = 0; k < a->nparams; k++)
		free(a->params[k]);
	free(a->params);
	for (size_t k = 0; k < a->nopts; k++) {
		free(a->opts[k].name);
		free(a->opts[k].value);
		free(a->opts[k].text);
	}
	free(a->opts);
	free(a->text);
	free(a);
}

void addr_spec_free(struct addr_spec *spec)
{
	if (!spec)
		return;
	single_free(spec->single[0]);
	single_free(spec->single[1]);
	free(spec->text);
	free(spec);
}

static int push_param(struct addr_single *a, size_t *cap, char *w)
{
	if (a->nparams == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		char **nv = realloc(a->params, ncap * sizeof *nv);
		if (!nv)
			return -1;
		a->params = nv;
		*cap = ncap;
	}
	a->params[a->nparams++] = w;
	return 0;
}

static int push_opt(struct addr_single *a, size_t *cap, struct addr_opt o)
{
	if (a->nopts == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		struct addr_opt *nv = realloc(a->opts, ncap * sizeof *nv);
		if (!nv)
			return -1;
		a->opts = nv;
		*cap = ncap;
	}
	a->opts[a->nopts++] = o;
	return 0;
}

static bool at_bang2(const char *p)
{
	return p[0] == '!' && p[1] == '!';
}

#define ERR(pos, ...) addr_set_error(err, "address", text, (pos), __VA_ARGS__)

/* Parse one single address starting at *pp (inside text). `side`: 0 plain, 1 read side of a
 * dual, 2 write side. Stops at end of text or at an unquoted "!!" (not consumed). */
static struct addr_single *parse_single(const char *text, const char **pp, int side, struct addr_error *err)
{
	const char *start = *pp, *p = *pp;
	struct addr_single *a;
	size_t pcap = 0, ocap = 0;
	char *tok = NULL;

	if (*p == '\0' || at_bang2(p)) {
		size_t pos = (size_t)(p - text);
		if (side == 0)
			ERR(pos, "empty address; expected TYPE[:params][,options], a digit, a path or \"-\"");
		else if (side == 1)
			ERR(pos, "empty read address before '!!' at offset %zu; expected READ-ADDRESS!!WRITE-ADDRESS", pos);
		else
			ERR(pos, "empty write address after '!!' at offset %zu; expected READ-ADDRESS!!WRITE-ADDRESS",
			    pos >= 2 ? pos - 2 : pos);
		return NULL;
	}
	a = calloc(1, sizeof *a);
	if (!a) {
		ERR((size_t)(p - text), "out of memory");
		return NULL;
	}

	/* first token: decides the form */
	if (addr_lex_word_in(text, "address", &p, head_ends, ADDR_WORD_MAX, &tok, err) < 0)
		goto fail;
	if (tok[0] == '\0') {
		size_t pos = (size_t)(start - text);
		if (p == start)
			ERR(pos, "empty address type before '%s' at offset %zu; expected TYPE[:params][,options]",
			    *p == ':' ? ":" : *p == ',' ? "," : "!!", (size_t)(p - text));
		else
			ERR(pos, "empty address type at offset %zu; expected TYPE[:params][,options]", pos);
		goto fail;
	}
	if (!strcmp(tok, "-")) {
		a->form = AF_FORM_STDIO;
		a->keyword = tok;
	} else if (tok[0] >= '0' && tok[0] <= '9' && tok[1] == '\0') {
		a->form = AF_FORM_FDNUM;
		if (!(a->keyword = strdup("FD")) || push_param(a, &pcap, tok) < 0)
			goto oom;
	} else if (strchr(tok, '/')) {
		a->form = AF_FORM_PATH;
		if (!(a->keyword = strdup("GOPEN")) || push_param(a, &pcap, tok) < 0)
			goto oom;
	} else {
		a->form = AF_FORM_KEYWORD;
		a->keyword = tok;
	}
	tok = NULL;

	/* ':'-separated parameters */
	while (*p == ':') {
		p++;
		if (addr_lex_word_in(text, "address", &p, head_ends, ADDR_WORD_MAX, &tok, err) < 0)
			goto fail;
		if (push_param(a, &pcap, tok) < 0)
			goto oom;
		tok = NULL;
	}

	/* ','-separated options; empty ones (",," or a trailing ",") are ignored like socat does */
	while (*p == ',') {
		const char *ostart = ++p;
		struct addr_opt o = { 0 };
		if (*p == ',' || *p == '\0' || at_bang2(p))
			continue;
		if (addr_lex_optword_in(text, "address", &p, optname_ends, ADDR_OPTWORD_MAX, &o.name, err) < 0)
			goto fail;
		if (o.name[0] == '\0') {
			size_t pos = (size_t)(ostart - text);
			free(o.name);
			if (*p == '=')
				ERR(pos, "empty option name before '=' at offset %zu; expected NAME[=VALUE]",
				    (size_t)(p - text));
			else
				ERR(pos, "empty option name at offset %zu; expected NAME[=VALUE]", pos);
			goto fail;
		}
		if (*p == '=') {
			p++;
			if (addr_lex_optword_in(text, "address", &p, optval_ends, ADDR_OPTWORD_MAX, &o.value, err) < 0) {
				free(o.name);
				goto fail;
			}
		}
		o.text = dup_span(ostart, (size_t)(p - ostart));
		if (!o.text || push_opt(a, &ocap, o) < 0) {
			free(o.name);
			free(o.value);
			free(o.text);
			goto oom;
		}
	}
	/* the lexer only stops at a terminator or at the end; ':' cannot follow an option */
	if (!(a->text = dup_span(start, (size_t)(p - start))))
		goto oom;
	*pp = p;
	return a;
oom:
	ERR((size_t)(p - text), "out of memory");
fail:
	free(tok);
	single_free(a);
	return NULL;
}

struct addr_spec *addr_parse(const char *text, struct addr_error *err)
{
	struct addr_spec *spec;
	const char *p = text;

	if (err) {
		err->msg[0] = '\0';
		err->pos = 0;
	}
	if (!text) {
		addr_set_error(err, "address", "", 0, "no address given");
		return NULL;
	}
	spec = calloc(1, sizeof *spec);
	if (!spec || !(spec->text = strdup(text))) {
		free(spec);
		ERR(0, "out of memory");
		return NULL;
	}
	/* an address that starts with "!!" has an empty read side */
	spec->single[0] = parse_single(text, &p, at_bang2(p) ? 1 : 0, err);
	if (!spec->single[0])
		goto fail;
	if (at_bang2(p)) {
		p += 2;
		spec->dual = true;
		spec->single[1] = parse_single(text, &p, 2, err);
		if (!spec->single[1])
			goto fail;
		if (at_bang2(p)) {
			ERR((size_t)(p - text),
			    "more than one '!!' (the second at offset %zu); expected READ-ADDRESS!!WRITE-ADDRESS",
			    (size_t)(p - text));
			goto fail;
		}
	}
	return spec;
fail:
	addr_spec_free(spec);
	return NULL;
}
