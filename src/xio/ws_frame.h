/* WebSocket (RFC 6455) frame codec and handshake text helpers: pure functions, no I/O, so they
 * can be unit-tested (tests/unit/ws_frame.c) and fuzzed (fuzz/ws_frame_fuzz.c).
 *
 * The decoder streams: it never holds a message, only a control frame's payload (at most 125
 * bytes). Each ws_dec_step() consumes some input and reports one event; data payloads are
 * unmasked into the caller's buffer as they arrive, so a message of any size passes through a
 * fixed amount of memory. Every protocol violation is reported with the close code the RFC asks
 * for and a one-line reason. */
#ifndef DUCT_XIO_WS_FRAME_H
#define DUCT_XIO_WS_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ws_opcode { WS_OP_CONT = 0, WS_OP_TEXT = 1, WS_OP_BINARY = 2, WS_OP_CLOSE = 8, WS_OP_PING = 9, WS_OP_PONG = 10 };

/* close codes */
#define WS_CLOSE_NORMAL        1000
#define WS_CLOSE_GOING_AWAY    1001
#define WS_CLOSE_PROTOCOL      1002
#define WS_CLOSE_UNSUPPORTED   1003
#define WS_CLOSE_NO_STATUS     1005 /* never sent: "the close frame had no code" */
#define WS_CLOSE_ABNORMAL      1006 /* never sent: "no close frame at all" */
#define WS_CLOSE_BAD_DATA      1007
#define WS_CLOSE_POLICY        1008
#define WS_CLOSE_TOO_BIG       1009
#define WS_CLOSE_INTERNAL      1011

#define WS_CTL_MAX 125
#define WS_HDR_MAX 14

enum ws_ev {
	WS_EV_NEED,  /* all input consumed (or not enough for a header): give more */
	WS_EV_DATA,  /* datalen payload bytes written to out (may be 0 at a frame's end) */
	WS_EV_PING,  /* ctl/ctllen: the payload to echo in a pong */
	WS_EV_PONG,
	WS_EV_CLOSE, /* code (WS_CLOSE_NO_STATUS when absent), reason in ctl+2 .. ctllen */
	WS_EV_ERROR, /* code to close with, why says what was wrong */
};

struct ws_dec {
	/* configuration */
	bool expect_masked;    /* a server: client frames must be masked (else 1002) */
	uint64_t max_message;  /* 0: no limit; larger messages close with 1009 */
	/* state */
	int state;             /* 0 header, 1 payload, 2 failed */
	bool fin;
	unsigned op;           /* opcode of the frame being read */
	bool masked;
	uint8_t mask[4];
	uint64_t left;         /* payload bytes of this frame still to come */
	uint64_t pos;          /* payload bytes of this frame already read (mask index) */
	bool in_msg;           /* a fragmented message is open */
	unsigned msg_op;       /* its opcode (TEXT or BINARY) */
	uint64_t msg_len;
	uint32_t utf8_need;    /* continuation bytes the UTF-8 check still wants */
	uint32_t utf8_cp;      /* code point being assembled */
	uint32_t utf8_min;     /* smallest code point for the sequence's length (overlongs) */
	uint8_t ctl[WS_CTL_MAX];
	size_t ctllen;
	unsigned err_code;     /* state 2: what went wrong */
	const char *err_why;
};

struct ws_event {
	enum ws_ev ev;
	size_t consumed;       /* input bytes used by this step */
	size_t datalen;        /* WS_EV_DATA */
	bool text;             /* WS_EV_DATA: part of a text message */
	bool msg_end;          /* WS_EV_DATA: the message ended with these bytes */
	const uint8_t *ctl;    /* WS_EV_PING/PONG/CLOSE payload (points into the decoder) */
	size_t ctllen;
	unsigned code;         /* WS_EV_CLOSE: the peer's code; WS_EV_ERROR: the code to send */
	const char *why;       /* WS_EV_ERROR: one line; WS_EV_CLOSE: NULL */
};

void ws_dec_init(struct ws_dec *d, bool expect_masked, uint64_t max_message);
/* One step over in[0..inlen): consumes ev->consumed bytes, reports one event. Data goes to
 * out[0..outcap) (outcap > 0). After WS_EV_ERROR the decoder stays failed. */
void ws_dec_step(struct ws_dec *d, const uint8_t *in, size_t inlen, uint8_t *out, size_t outcap,
		 struct ws_event *ev);
/* Would a step over in[0..inlen) report something other than WS_EV_NEED? */
bool ws_dec_ready(const struct ws_dec *d, const uint8_t *in, size_t inlen);

/* A frame header for a payload of len bytes into out (WS_HDR_MAX bytes); mask NULL: unmasked.
 * Returns the header's length. */
size_t ws_hdr_build(uint8_t *out, bool fin, unsigned op, uint64_t len, const uint8_t *mask);
/* XOR p[0..n) with the mask, starting at payload offset off. */
void ws_mask_bytes(uint8_t *p, size_t n, const uint8_t mask[4], uint64_t off);
/* A close payload: code (big endian) and reason cut to fit 125 bytes. Returns its length. */
size_t ws_close_payload(uint8_t *out, unsigned code, const char *reason);
/* A close code a peer may send (1000-1003, 1007-1011, 3000-4999)? */
bool ws_close_code_valid(unsigned code);
/* "normal closure", "going away", ... ("" when unknown) */
const char *ws_close_code_name(unsigned code);

/* UTF-8 validity of a whole buffer (1007 on failure). */
bool ws_utf8_valid(const uint8_t *p, size_t n);
/* Length of the incomplete UTF-8 sequence at the end of p[0..n) (0..3): a text frame that ends
 * there is sent without FIN and the message continues in the next frame. */
size_t ws_utf8_tail(const uint8_t *p, size_t n);

/* ---- handshake text (RFC 6455 section 4) ---- */

#define WS_KEY_LEN 24     /* base64 of 16 bytes */
#define WS_ACCEPT_LEN 28  /* base64 of a SHA-1 */

/* Sec-WebSocket-Accept for a key: base64(SHA-1(key + GUID)) into out (WS_ACCEPT_LEN + 1). */
void ws_accept_for(const char *key, size_t keylen, char *out);
/* Is this a valid Sec-WebSocket-Key (base64 of exactly 16 bytes)? */
bool ws_key_valid(const char *key, size_t keylen);

/* Where the header block ends ("\r\n\r\n" included), 0 if not complete in buf[0..n). */
size_t ws_http_end(const char *buf, size_t n);
/* Find header name (case-insensitive) in the block after the first line; value trimmed.
 * idx-th occurrence (0 = first). Returns false if absent. */
bool ws_http_header(const char *block, size_t n, const char *name, unsigned idx, const char **val,
		    size_t *vlen);
/* Does a comma-separated header value hold token (case-insensitive)? */
bool ws_http_has_token(const char *val, size_t vlen, const char *token);

#endif
