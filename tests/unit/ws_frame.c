/* Unit tests for the WebSocket frame codec and handshake helpers (src/xio/ws_frame.c). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "xio/ws_frame.h"

/* A frame into out: header, optional mask, payload (masked when mask != NULL). */
static size_t mk(uint8_t *out, bool fin, unsigned op, const void *p, size_t n, const uint8_t *mask)
{
	size_t h = ws_hdr_build(out, fin, op, n, mask);
	memcpy(out + h, p, n);
	if (mask)
		ws_mask_bytes(out + h, n, mask, 0);
	return h + n;
}

/* Decode everything in in[0..n), one byte at a time when trickle; collect data; return the
 * last non-DATA, non-NEED event (or WS_EV_NEED). */
static enum ws_ev run(struct ws_dec *d, const uint8_t *in, size_t n, bool trickle, uint8_t *data, size_t *dlen,
		      struct ws_event *last)
{
	size_t off = 0, avail = trickle ? 0 : n;
	*dlen = 0;
	enum ws_ev ret = WS_EV_NEED;
	for (int guard = 0; guard < 100000; guard++) {
		if (trickle && avail < n && (avail == off || guard % 2))
			avail++;
		struct ws_event ev;
		uint8_t out[7]; /* small on purpose: payloads cross steps */
		ws_dec_step(d, in + off, avail - off, out, sizeof out, &ev);
		off += ev.consumed;
		if (ev.ev == WS_EV_DATA) {
			memcpy(data + *dlen, out, ev.datalen);
			*dlen += ev.datalen;
			continue;
		}
		if (ev.ev == WS_EV_NEED) {
			if (avail >= n)
				return ret;
			continue;
		}
		*last = ev;
		ret = ev.ev;
		if (ev.ev == WS_EV_ERROR || ev.ev == WS_EV_CLOSE)
			return ret;
	}
	return ret;
}

int main(void)
{
	const uint8_t mask[4] = { 0x12, 0x34, 0x56, 0x78 };
	uint8_t b[200000], data[200000];
	size_t n, dl;
	struct ws_dec d;
	struct ws_event ev;

	/* ---- header building ---- */
	tap_is_int(ws_hdr_build(b, true, WS_OP_TEXT, 5, NULL), 2, "5 bytes: 2-byte header");
	tap_ok(b[0] == 0x81 && b[1] == 5, "FIN+text, length 5");
	tap_is_int(ws_hdr_build(b, true, WS_OP_BINARY, 126, mask), 8, "126 bytes masked: 2+2+4");
	tap_ok(b[1] == (0x80 | 126) && b[2] == 0 && b[3] == 126 && !memcmp(b + 4, mask, 4), "16-bit length and mask");
	tap_is_int(ws_hdr_build(b, false, WS_OP_CONT, 70000, NULL), 10, "70000 bytes: 64-bit length");
	tap_ok(b[0] == 0 && b[1] == 127 && b[7] == 0x01 && b[8] == 0x11 && b[9] == 0x70, "no FIN, 64-bit length bytes");

	/* ---- the RFC's examples (section 5.7) ---- */
	const uint8_t hello_unmasked[] = { 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f };
	const uint8_t hello_masked[] = { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58 };
	ws_dec_init(&d, false, 0);
	tap_is_int(run(&d, hello_unmasked, sizeof hello_unmasked, false, data, &dl, &ev), WS_EV_NEED, "RFC unmasked Hello");
	tap_ok(dl == 5 && !memcmp(data, "Hello", 5), "RFC unmasked Hello: payload");
	ws_dec_init(&d, true, 0);
	run(&d, hello_masked, sizeof hello_masked, true, data, &dl, &ev);
	tap_ok(dl == 5 && !memcmp(data, "Hello", 5), "RFC masked Hello, a byte at a time");
	const uint8_t frag[] = { 0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f };
	ws_dec_init(&d, false, 0);
	run(&d, frag, sizeof frag, false, data, &dl, &ev);
	tap_ok(dl == 5 && !memcmp(data, "Hello", 5), "RFC fragmented Hel+lo");
	const uint8_t ping[] = { 0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f };
	ws_dec_init(&d, false, 0);
	tap_is_int(run(&d, ping, sizeof ping, false, data, &dl, &ev), WS_EV_PING, "RFC ping");
	tap_ok(ev.ctllen == 5 && !memcmp(ev.ctl, "Hello", 5), "RFC ping payload");

	/* ---- control frame between fragments; masked big payload ---- */
	static uint8_t big[70000];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 7 + 3);
	n = mk(b, false, WS_OP_BINARY, big, 1000, mask);
	n += mk(b + n, true, WS_OP_PONG, "pp", 2, mask);
	n += mk(b + n, true, WS_OP_CONT, big + 1000, sizeof big - 1000, mask);
	ws_dec_init(&d, true, 0);
	tap_is_int(run(&d, b, n, false, data, &dl, &ev), WS_EV_PONG, "pong between fragments reported");
	tap_ok(dl == sizeof big && !memcmp(data, big, sizeof big), "70000-byte message across fragments, unmasked right");
	ws_dec_init(&d, true, 0);
	run(&d, b, n, true, data, &dl, &ev);
	tap_ok(dl == sizeof big && !memcmp(data, big, sizeof big), "same, a byte at a time");

	/* ---- close frames ---- */
	uint8_t cp[WS_CTL_MAX];
	size_t cl = ws_close_payload(cp, 1001, "bye");
	n = mk(b, true, WS_OP_CLOSE, cp, cl, NULL);
	ws_dec_init(&d, false, 0);
	tap_is_int(run(&d, b, n, false, data, &dl, &ev), WS_EV_CLOSE, "close frame");
	tap_ok(ev.code == 1001 && ev.ctllen == 5 && !memcmp(ev.ctl + 2, "bye", 3), "close 1001 \"bye\"");
	n = mk(b, true, WS_OP_CLOSE, "", 0, NULL);
	ws_dec_init(&d, false, 0);
	run(&d, b, n, false, data, &dl, &ev);
	tap_is_int(ev.code, WS_CLOSE_NO_STATUS, "empty close: 1005");
	n = mk(b, true, WS_OP_CLOSE, "\x03", 1, NULL);
	ws_dec_init(&d, false, 0);
	tap_ok(run(&d, b, n, false, data, &dl, &ev) == WS_EV_ERROR && ev.code == 1002, "1-byte close payload: 1002");
	n = mk(b, true, WS_OP_CLOSE, "\x03\xed", 2, NULL); /* 1005 may not be sent */
	ws_dec_init(&d, false, 0);
	tap_ok(run(&d, b, n, false, data, &dl, &ev) == WS_EV_ERROR && ev.code == 1002, "close code 1005 on the wire: 1002");
	n = mk(b, true, WS_OP_CLOSE, "\x03\xe8\xff", 3, NULL);
	ws_dec_init(&d, false, 0);
	tap_ok(run(&d, b, n, false, data, &dl, &ev) == WS_EV_ERROR && ev.code == 1007, "close reason not UTF-8: 1007");
	char longreason[300];
	memset(longreason, 'r', sizeof longreason - 1);
	longreason[sizeof longreason - 1] = 0;
	tap_is_int(ws_close_payload(cp, 1000, longreason), WS_CTL_MAX, "a long reason is cut to fit 125 bytes");

	/* ---- errors ---- */
	struct {
		const uint8_t *p;
		size_t n;
		bool server;
		unsigned code;
		const char *what;
	} bad[] = {
		{ (const uint8_t *)"\x82\x05hello", 7, true, 1002, "unmasked frame to a server" },
		{ (const uint8_t *)"\x82\x85\0\0\0\0hello", 11, false, 1002, "masked frame to a client" },
		{ (const uint8_t *)"\x82\x7f\x80\0\0\0\0\0\0\0", 10, false, 1002, "2^63 length" },
		{ (const uint8_t *)"\x82\x7e\0\x05hello", 9, false, 1002, "16-bit length for 5 bytes" },
		{ (const uint8_t *)"\xc2\x00", 2, false, 1002, "RSV1 set" },
		{ (const uint8_t *)"\x83\x00", 2, false, 1002, "reserved opcode 3" },
		{ (const uint8_t *)"\x09\x00", 2, false, 1002, "fragmented ping" },
		{ (const uint8_t *)"\x89\x7e\0\x7e", 4, false, 1002, "126-byte ping" },
		{ (const uint8_t *)"\x80\x00", 2, false, 1002, "continuation without a message" },
		{ (const uint8_t *)"\x01\x01" "a\x81\x01" "b", 6, false, 1002, "new message inside a fragmented one" },
		{ (const uint8_t *)"\x81\x02\xc3\x28", 4, false, 1007, "invalid UTF-8 in text" },
		{ (const uint8_t *)"\x81\x02\xc0\xaf", 4, false, 1007, "overlong UTF-8" },
		{ (const uint8_t *)"\x81\x03\xed\xa0\x80", 5, false, 1007, "UTF-16 surrogate in text" },
		{ (const uint8_t *)"\x81\x01\xe2", 3, false, 1007, "text ends inside a sequence" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ws_dec_init(&d, bad[i].server, 0);
		enum ws_ev e = run(&d, bad[i].p, bad[i].n, false, data, &dl, &ev);
		tap_ok(e == WS_EV_ERROR && ev.code == bad[i].code && ev.why && *ev.why, "%s: %u (%s)", bad[i].what,
		       bad[i].code, ev.why ? ev.why : "no reason");
	}
	/* UTF-8 split across fragments is fine */
	const uint8_t split[] = { 0x01, 0x01, 0xe2, 0x80, 0x02, 0x82, 0xac };
	ws_dec_init(&d, false, 0);
	tap_is_int(run(&d, split, sizeof split, false, data, &dl, &ev), WS_EV_NEED, "euro sign split over fragments accepted");
	/* ws-max-message */
	ws_dec_init(&d, false, 8);
	n = mk(b, false, WS_OP_BINARY, "12345", 5, NULL);
	n += mk(b + n, true, WS_OP_CONT, "6789", 4, NULL);
	tap_ok(run(&d, b, n, false, data, &dl, &ev) == WS_EV_ERROR && ev.code == 1009 && dl == 5,
	       "max-message 8: 5+4 bytes close with 1009 after the first fragment");
	ws_dec_init(&d, false, 9);
	tap_is_int(run(&d, b, n, false, data, &dl, &ev), WS_EV_NEED, "max-message 9: 9 bytes pass");
	/* after an error the decoder stays failed */
	ws_dec_init(&d, true, 0);
	ws_dec_step(&d, (const uint8_t *)"\x82\x00", 2, data, 10, &ev);
	ws_dec_step(&d, hello_masked, sizeof hello_masked, data, 10, &ev);
	tap_ok(ev.ev == WS_EV_ERROR && ev.consumed == 0, "failed decoder stays failed");

	/* ---- ready ---- */
	ws_dec_init(&d, false, 0);
	tap_ok(!ws_dec_ready(&d, hello_unmasked, 1) && ws_dec_ready(&d, hello_unmasked, 2), "ready once a header is there");

	/* ---- UTF-8 helpers ---- */
	tap_ok(ws_utf8_valid((const uint8_t *)"gr\xc3\xbc\xc3\x9f", 6), "valid UTF-8");
	tap_is_int(ws_utf8_tail((const uint8_t *)"ab\xe2\x82", 4), 2, "tail: 2 bytes of a 3-byte sequence");
	tap_is_int(ws_utf8_tail((const uint8_t *)"ab\xe2\x82\xac", 5), 0, "tail: complete");
	tap_is_int(ws_utf8_tail((const uint8_t *)"\xf0", 1), 1, "tail: a lone 4-byte lead");

	/* ---- handshake ---- */
	char acc[WS_ACCEPT_LEN + 1];
	ws_accept_for("dGhlIHNhbXBsZSBub25jZQ==", 24, acc);
	tap_is_str(acc, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "RFC's Sec-WebSocket-Accept example");
	tap_ok(ws_key_valid("dGhlIHNhbXBsZSBub25jZQ==", 24), "RFC key valid");
	tap_ok(!ws_key_valid("not-a-key", 9) && !ws_key_valid("dGhlIHNhbXBsZSBub25jZQ=!", 24), "bad keys refused");
	const char req[] = "GET /chat HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\n"
			   "Sec-WebSocket-Protocol: a\r\nSec-WebSocket-Protocol: chat, b\r\n\r\nrest";
	tap_is_int(ws_http_end(req, sizeof req - 1), sizeof req - 1 - 4, "header block end");
	const char *v;
	size_t vl;
	tap_ok(ws_http_header(req, sizeof req - 1, "connection", 0, &v, &vl) && ws_http_has_token(v, vl, "upgrade"),
	       "Connection token list, case-insensitive");
	tap_ok(ws_http_header(req, sizeof req - 1, "Sec-WebSocket-Protocol", 1, &v, &vl) &&
		       ws_http_has_token(v, vl, "chat") && !ws_http_has_token(v, vl, "cha"),
	       "second header occurrence, whole tokens only");
	tap_ok(!ws_http_header(req, sizeof req - 1, "Origin", 0, &v, &vl), "absent header");
	return tap_done();
}
