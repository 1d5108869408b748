/* libFuzzer target for the address grammar: addr_parse, addr_split_words, addr_lex_word and
 * addr_edit_distance must never crash, hang, leak or produce a multi-line error message. */
#include "addr/addr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_msg(const struct addr_error *e, size_t len)
{
	if (!e->msg[0] || strchr(e->msg, '\n') || strlen(e->msg) >= sizeof e->msg || e->pos > len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ends[] = { "!!", ",", ":", NULL };
	struct addr_error err;
	struct addr_spec *spec;
	char **words;
	char *text, *w = NULL;
	const char *p;

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* embedded NULs simply end the string */

	spec = addr_parse(text, &err);
	if (spec) {
		for (int i = 0; i < 2; i++) {
			struct addr_single *a = spec->single[i];
			if (!a)
				continue;
			if (!a->keyword || !a->keyword[0] || !a->text)
				abort();
			for (size_t k = 0; k < a->nparams; k++)
				if (!a->params[k])
					abort();
			for (size_t k = 0; k < a->nopts; k++)
				if (!a->opts[k].name || !a->opts[k].name[0] || !a->opts[k].text)
					abort();
		}
		if (spec->dual != (spec->single[1] != NULL))
			abort();
		addr_spec_free(spec);
	} else {
		check_msg(&err, strlen(text));
	}

	words = addr_split_words(text, &err);
	if (words)
		addr_free_words(words);
	else
		check_msg(&err, strlen(text));

	p = text;
	while (*p) {
		const char *before = p;
		if (addr_lex_word(&p, ends, ADDR_WORD_MAX, &w, &err) < 0) {
			check_msg(&err, strlen(before));
			break;
		}
		free(w);
		w = NULL;
		if (*p)
			p += (p[0] == '!' && p[1] == '!') ? 2 : 1;
	}

	if (size < 512) {
		size_t half = strlen(text) / 2;
		char save = text[half];
		text[half] = '\0';
		(void)addr_edit_distance(text, text + half + (save ? 1 : 0));
		text[half] = save;
	}
	free(text);
	return 0;
}
