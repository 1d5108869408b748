/* libFuzzer target for the proxy reply parsers: the first byte picks the parser (SOCKS4 reply,
 * SOCKS5 method/auth/CONNECT reply, HTTP reply with and without ignorecr), the rest is the
 * reply as received, fed in growing prefixes the way the dialog reads it.
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -std=c17 -Isrc \
 *        fuzz/proxy_fuzz.c src/xio/proxy_parse.c -o build-fuzz/proxy_fuzz */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xio/proxy_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > PX_HTTP_MAX + 64)
		return 0;
	unsigned sel = data[0] % 6;
	const unsigned char *b = data + 1;
	size_t n = size - 1;
	/* a heap copy of exactly n bytes so ASan sees any over-read */
	unsigned char *copy = malloc(n ? n : 1);
	if (!copy)
		return 0;
	memcpy(copy, b, n);
	struct px_reply r;
	for (size_t k = 0; k <= n; k++) {
		int rc = PX_FAIL;
		switch (sel) {
		case 0: rc = px_socks4_reply(copy, k, &r); break;
		case 1: rc = px_socks5_method(copy, k, k & 1, &r); break;
		case 2: rc = px_socks5_auth_reply(copy, k, &r); break;
		case 3: rc = px_socks5_reply(copy, k, &r); break;
		case 4: rc = px_http_reply((const char *)copy, k, false, false, &r); break;
		case 5: rc = px_http_reply((const char *)copy, k, true, true, &r); break;
		}
		if (rc == PX_OK) {
			if (r.consumed > k)
				abort();
			if (sel == 3) {
				char t[300];
				px_socks5_addr_text(&r, t, sizeof t);
			}
			break;
		}
		if (rc == PX_NEED && r.need && r.need <= k)
			abort(); /* asked for bytes it already had */
		if (rc == PX_FAIL)
			break;
		/* skip ahead to what the parser asked for, as the dialog does */
		if (rc == PX_NEED && r.need > k + 1)
			k = r.need - 1;
	}
	/* builders with fuzzed strings */
	char s[300];
	size_t sl = n < sizeof s - 1 ? n : sizeof s - 1;
	memcpy(s, b, sl);
	s[sl] = 0;
	unsigned char out[1200];
	char req[4096];
	px_socks5_request(out, sizeof out, 1, s, 80);
	px_socks4_request(out, sizeof out, 80, out, s, s);
	px_http_request(req, sizeof req, s, "80", s, "1.1");
	free(copy);
	return 0;
}
