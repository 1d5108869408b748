/* libFuzzer target for nc's command line: the input is split on NUL/newline into argv words;
 * nc_parse_args (both dialects), nc_ports_expand, nc_addr_escape and the hex dump formatters
 * must never crash, overflow or produce a multi-line error message. */
#include "nc/args.h"
#include "nc/hexdump.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_err(const char *err)
{
	if (strchr(err, '\n'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char *argv[66];
	int argc = 0;
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	argv[argc++] = (char *)"nc";
	char *p = text, *end = text + size;
	while (p < end && argc < 64) {
		argv[argc++] = p;
		size_t l = strcspn(p, "\n");
		p[l] = '\0';
		p += l + 1;
	}
	argv[argc] = NULL;
	char err[256];
	struct nc_opts o;
	for (int d = 0; d < 2; d++) {
		char *copy[66];
		memcpy(copy, argv, sizeof copy);
		enum nc_parse_result r = nc_parse_args(argc, copy, d ? NC_NCAT : NC_OPENBSD, &o, err, sizeof err);
		check_err(err);
		if (r == NC_PARSE_OK && o.nports) {
			uint16_t *ports = NULL;
			/* keep it cheap: only expand when no huge range is possible */
			long n = nc_ports_expand(o.ports, o.nports > 4 ? 4 : o.nports, "tcp", &ports, err, sizeof err);
			if (n > 0 && !ports)
				abort();
			free(ports);
			check_err(err);
		}
	}
	char esc[64];
	size_t need = nc_addr_escape(text, esc, sizeof esc);
	if (strlen(esc) >= sizeof esc || (need < sizeof esc && strlen(esc) != need))
		abort();
	size_t bound = nc_hexdump_bound(size);
	char *out = malloc(bound);
	if (out) {
		unsigned long off = 0;
		if (nc_hexdump_trad(out, data, size, true, &off) > bound || off != size)
			abort();
		if (nc_hexdump_ncat(out, data, size) > bound)
			abort();
		free(out);
	}
	free(text);
	return 0;
}
