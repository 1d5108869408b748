/* libFuzzer target for the ss filter grammar: tokenising (argv and -F file forms), parsing,
 * user-space evaluation and bytecode compilation must never crash, hang or leak, and the
 * bytecode must keep the kernel's structural rules (ops 4-byte aligned, jumps in range). */
#include <linux/inet_diag.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ss/ss_int.h"

static void check_bytecode(const unsigned char *bc, int len)
{
	int rem = len;
	const unsigned char *p = bc;
	while (rem > 0) {
		struct inet_diag_bc_op op;
		if (rem < 4)
			abort();
		memcpy(&op, p, sizeof op);
		if (op.yes < 4 || op.yes > rem + 4 || (op.yes & 3))
			abort();
		if (op.code != INET_DIAG_BC_NOP && (op.no < 4 || op.no > rem + 4 || (op.no & 3)))
			abort();
		p += op.yes;
		rem -= op.yes;
	}
	if (rem != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	char **toks;
	int n = (size && data[0] & 1) ? ss_filter_tokens_text(text, &toks) : ss_filter_tokens_argv(1, &text, &toks);
	static const int fams[] = { AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX, AF_PACKET, AF_NETLINK };
	struct ss_parse_ctx ctx = { .preferred_family = fams[size % 6], .dbs = (1u << TCP_DB) | (1u << UDP_DB),
	                            .no_dns = true };
	struct ss_filter *f = NULL;
	if (ss_filter_parse(toks, n, &ctx, &f) == 0 && f) {
		struct ss_sock s;
		memset(&s, 0, sizeof s);
		s.family = AF_INET;
		s.lport = 5432;
		s.rport = 40001;
		(void)ss_filter_run(f, &s);
		s.family = AF_UNIX;
		s.name = "/tmp/x";
		(void)ss_filter_run(f, &s);
		unsigned char *bc = NULL;
		int len = ss_filter_bytecode(f, &bc);
		if (len > 0)
			check_bytecode(bc, len);
		free(bc);
		ss_filter_free(f);
	} else if (!ctx.err[0]) {
		if (n)
			abort(); /* failure without a message */
	}
	for (int i = 0; i < n; i++)
		free(toks[i]);
	free(toks);
	free(text);
	return 0;
}
