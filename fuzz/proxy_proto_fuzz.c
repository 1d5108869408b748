/* libFuzzer target for the PROXY protocol header parser (src/xio/proxy_proto.c): the input is
 * the bytes a client sends, fed in growing prefixes the way accept-proxy reads them; a parsed
 * header is built again (v1 and v2) and the v2 build must parse back (IPv4-mapped addresses may come back as IPv4).
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -std=c17 -Isrc \
 *        fuzz/proxy_proto_fuzz.c src/xio/proxy_proto.c -o build-fuzz/proxy_proto_fuzz */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xio/proxy_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > PP_MAX + 64)
		return 0;
	/* a heap copy of exactly size bytes so ASan sees any over-read */
	unsigned char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	struct pp_hdr h;
	char err[200];
	for (size_t k = 0; k <= size; k++) {
		int rc = pp_parse(copy, k, &h, err, sizeof err);
		if (rc < 0)
			break;
		if (rc == 0) {
			if (k >= PP_MAX)
				abort(); /* never asks for more than PP_MAX bytes */
			continue;
		}
		if ((size_t)rc > k)
			abort();
		if (!h.local) {
			unsigned char out[PP_MAX], out1[PP_MAX];
			int n = pp_build(2, &h.src.sa, h.srclen, &h.dst.sa, h.dstlen, out, sizeof out);
			struct pp_hdr h2;
			if (n <= 0 || pp_parse(out, (size_t)n, &h2, err, sizeof err) != n || h2.local)
				abort();
			if (pp_build(1, &h.src.sa, h.srclen, &h.dst.sa, h.dstlen, out1, sizeof out1) <= 0)
				abort();
		}
		break;
	}
	free(copy);
	return 0;
}
