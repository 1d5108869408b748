/* libFuzzer target for the option registry: input "name=value" (or "name") goes through
 * opt_lookup and opt_parse_value; the value is also parsed as every value type and as dalan.
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -std=c17 -Isrc \
 *        fuzz/opt_fuzz.c src/opt/[a-z]*.c src/common/log.c -o build-fuzz/opt_fuzz */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opt/opt.h"

static void release(struct opt_value *v)
{
	free(v->s);
	free(v->bin);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], *buf, *eq, *value;
	struct opt_value v;
	const struct opt_def *d;
	static struct opt_def any[OT_COUNT];

	if (size > 4096)
		return 0;
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	eq = strchr(buf, '=');
	value = NULL;
	if (eq) {
		*eq = '\0';
		value = eq + 1;
	}
	d = opt_lookup(buf);
	if (d) {
		memset(&v, 0, sizeof(v));
		v.typed_name = buf;
		if (opt_parse_value(d, value, &v, err, sizeof(err)) < 0 && (!err[0] || strchr(err, '\n')))
			abort(); /* errors must be exactly one line */
		release(&v);
	} else if (size % 8 == 0 && strlen(buf) <= 40) {
		/* opt_suggest compares against every registry name: under coverage instrumentation it
		 * is 40x slower than the rest, so only 1 input in 8 (chosen by length) takes it */
		(void)opt_suggest(buf);
	}
	/* the value against every type */
	for (int t = 0; t < OT_COUNT; t++) {
		if (t == OT_UID || t == OT_GID)
			continue; /* name lookups through NSS are slow; covered via user=/group= */
		any[t].name = "fuzz";
		any[t].type = (enum opt_type)t;
		memset(&v, 0, sizeof(v));
		if (opt_parse_value(&any[t], value, &v, err, sizeof(err)) < 0 && (!err[0] || strchr(err, '\n')))
			abort();
		release(&v);
	}
	{
		unsigned char *b = NULL;
		size_t n = 0;
		if (dalan_parse(value ? value : buf, &b, &n, err, sizeof(err)) == 0)
			free(b);
		else if (strchr(err, '\n'))
			abort();
	}
	{
		char line[256];
		if (d)
			opt_help_line(d, buf, false, line, sizeof(line));
	}
	free(buf);
	return 0;
}
