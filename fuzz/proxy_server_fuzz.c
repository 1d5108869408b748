/* libFuzzer target for SOCKS-SERVER's and HTTP-PROXY-SERVER's request parsers
 * (src/xio/proxy_parse.c): the first byte picks the parser (SOCKS5 greeting, SOCKS5 request,
 * SOCKS4/4A request, HTTP request head, SOCKS5 username/password), the rest is what a client sends, fed in growing
 * prefixes the way the server reads it; a parsed request is answered with the reply builders
 * (an HTTP one is rewritten for the origin).
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -std=c17 -Isrc \
 *        fuzz/proxy_server_fuzz.c src/xio/proxy_parse.c -o build-fuzz/proxy_server_fuzz */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xio/proxy_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > PX_HTTP_MAX + 64)
		return 0;
	unsigned sel = data[0] % 5;
	if (sel == 3) {
		/* the HTTP head: whole, as the server parses it once its end is there */
		char *h = malloc(size - 1 ? size - 1 : 1);
		if (!h)
			return 0;
		memcpy(h, data + 1, size - 1);
		struct px_http_req q;
		if (px_http_head_end(h, size - 1) > size - 1)
			abort();
		if (px_http_request_parse(h, size - 1, &q) == PX_OK) {
			if (q.head_len > size - 1 || q.path_off + q.path_len > q.head_len || !q.port || q.port > 65535)
				abort();
			char *out = malloc(PX_HTTP_MAX + 64);
			if (out && !q.connect && px_http_forward_head(h, &q, out, PX_HTTP_MAX + 64) > PX_HTTP_MAX + 64)
				abort();
			free(out);
		}
		free(h);
		return 0;
	}
	if (size > 1024)
		return 0;
	size_t n = size - 1;
	/* a heap copy of exactly n bytes so ASan sees any over-read */
	unsigned char *copy = malloc(n ? n : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, n);
	struct px_reply r;
	for (size_t k = 0; k <= n; k++) {
		int rc = PX_FAIL;
		switch (sel) {
		case 0: rc = px_socks5_greeting_parse(copy, k, &r); break;
		case 1: rc = px_socks5_request_parse(copy, k, &r); break;
		case 2: rc = px_socks4_request_parse(copy, k, &r); break;
		case 4: {
			char u[256], p[256];
			rc = px_socks5_auth_parse(copy, k, u, p, &r);
			if (rc == PX_OK && (strlen(u) > 255 || strlen(p) > 255))
				abort();
			break;
		}
		}
		if (rc == PX_NEED) {
			if (r.need && r.need <= k)
				abort(); /* asks for what it has */
			continue;
		}
		if (rc == PX_OK) {
			if (r.consumed > k || r.addrlen > 255)
				abort();
			if (sel == 4)
				break;
			unsigned char out[64];
			if (sel == 2)
				px_socks4_server_reply(out, sizeof out, 90, r.port, r.atyp == 1 ? r.addr : NULL);
			else
				px_socks5_server_reply(out, sizeof out, 0, r.atyp, r.addr, r.port);
		}
		break;
	}
	free(copy);
	return 0;
}
