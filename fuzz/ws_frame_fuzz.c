/* libFuzzer target for the WebSocket frame decoder and handshake text helpers
 * (src/xio/ws_frame.c). The first byte picks the role (bit 0: server, expects masked frames),
 * a ws-max-message limit (bit 1) and the output buffer size (bits 2-7); the rest is the byte
 * stream as received, fed in chunks whose sizes come from the data too. Checks: no step
 * consumes more than it was given, data never exceeds the output buffer, a decoder that
 * reported an error stays failed, and every error carries a close code a peer may receive.
 * Build: make fuzz (clang, ASan+UBSan); seeds in fuzz/corpus/ws_frame/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xio/ws_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 1 << 20)
		return 0;
	uint8_t sel = data[0];
	const uint8_t *in = data + 1;
	size_t n = size - 1;
	/* a heap copy of exactly n bytes so ASan sees any over-read */
	uint8_t *copy = malloc(n ? n : 1);
	size_t outcap = (size_t)(sel >> 2) * 37 + 1;
	uint8_t *out = malloc(outcap);
	if (!copy || !out) {
		free(copy);
		free(out);
		return 0;
	}
	memcpy(copy, in, n);
	struct ws_dec d;
	ws_dec_init(&d, sel & 1, (sel & 2) ? 1000 : 0);
	size_t off = 0, avail = 0;
	for (unsigned guard = 0; guard < 4 * (unsigned)n + 64; guard++) {
		if (avail < n) /* grow what is "received" by a data-driven step */
			avail += 1 + (copy[avail] & 15u) * ((avail & 1) ? 1 : 97);
		if (avail > n)
			avail = n;
		struct ws_event ev;
		ws_dec_step(&d, copy + off, avail - off, out, outcap, &ev);
		if (ev.consumed > avail - off || ev.datalen > outcap)
			abort();
		off += ev.consumed;
		if (ev.ev == WS_EV_ERROR) {
			if (ev.code != WS_CLOSE_PROTOCOL && ev.code != WS_CLOSE_BAD_DATA && ev.code != WS_CLOSE_TOO_BIG)
				abort();
			struct ws_event again;
			ws_dec_step(&d, copy + off, avail - off, out, outcap, &again);
			if (again.ev != WS_EV_ERROR || again.consumed)
				abort();
			break;
		}
		if (ev.ev == WS_EV_CLOSE) {
			if (ev.ctllen > WS_CTL_MAX || (ev.code != WS_CLOSE_NO_STATUS && !ws_close_code_valid(ev.code)))
				abort();
			break;
		}
		if ((ev.ev == WS_EV_PING || ev.ev == WS_EV_PONG) && ev.ctllen > WS_CTL_MAX)
			abort();
		if (ev.ev == WS_EV_NEED && avail == n && !ws_dec_ready(&d, copy + off, n - off))
			break;
	}
	/* the text helpers on the same bytes */
	ws_utf8_valid(copy, n);
	if (ws_utf8_tail(copy, n) > 3)
		abort();
	size_t end = ws_http_end((const char *)copy, n);
	if (end > n)
		abort();
	const char *v;
	size_t vl;
	for (unsigned i = 0; i < 3 && ws_http_header((const char *)copy, n, "Sec-WebSocket-Protocol", i, &v, &vl); i++) {
		if (v < (const char *)copy || v + vl > (const char *)copy + n)
			abort();
		ws_http_has_token(v, vl, "chat");
	}
	if (n >= WS_KEY_LEN && ws_key_valid((const char *)copy, WS_KEY_LEN)) {
		char acc[WS_ACCEPT_LEN + 1];
		ws_accept_for((const char *)copy, WS_KEY_LEN, acc);
	}
	uint8_t hdr[WS_HDR_MAX];
	uint64_t len = 0;
	for (size_t i = 0; i < 8 && i < n; i++)
		len = (len << 8) | copy[i];
	if (ws_hdr_build(hdr, sel & 4, sel & 15u, len >> 1, (sel & 8) && n >= 4 ? copy : NULL) > WS_HDR_MAX)
		abort();
	free(copy);
	free(out);
	return 0;
}
