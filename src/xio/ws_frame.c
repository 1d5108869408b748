/* WebSocket frame codec and handshake text helpers (see ws_frame.h). Pure: no I/O. */
#include "xio/ws_frame.h"

#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

void ws_dec_init(struct ws_dec *d, bool expect_masked, uint64_t max_message)
{
	memset(d, 0, sizeof *d);
	d->expect_masked = expect_masked;
	d->max_message = max_message;
}

static void fail(struct ws_dec *d, struct ws_event *ev, unsigned code, const char *why)
{
	d->state = 2;
	d->err_code = code;
	d->err_why = why;
	ev->ev = WS_EV_ERROR;
	ev->code = code;
	ev->why = why;
}

/* Feed one byte to the UTF-8 check; false when the text is not UTF-8. */
static bool utf8_feed(struct ws_dec *d, uint8_t c)
{
	if (!d->utf8_need) {
		if (c < 0x80)
			return true;
		if ((c & 0xE0) == 0xC0) {
			d->utf8_cp = c & 0x1Fu;
			d->utf8_need = 1;
			d->utf8_min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			d->utf8_cp = c & 0x0Fu;
			d->utf8_need = 2;
			d->utf8_min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			d->utf8_cp = c & 0x07u;
			d->utf8_need = 3;
			d->utf8_min = 0x10000;
		} else {
			return false;
		}
		return true;
	}
	if ((c & 0xC0) != 0x80)
		return false;
	d->utf8_cp = (d->utf8_cp << 6) | (c & 0x3Fu);
	if (--d->utf8_need)
		return true;
	uint32_t cp = d->utf8_cp;
	return cp >= d->utf8_min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

bool ws_utf8_valid(const uint8_t *p, size_t n)
{
	struct ws_dec d;
	memset(&d, 0, sizeof d);
	for (size_t i = 0; i < n; i++)
		if (!utf8_feed(&d, p[i]))
			return false;
	return d.utf8_need == 0;
}

size_t ws_utf8_tail(const uint8_t *p, size_t n)
{
	for (size_t back = 1; back <= 3 && back <= n; back++) {
		uint8_t c = p[n - back];
		if ((c & 0xC0) == 0x80)
			continue; /* a continuation byte: look further back for its lead */
		size_t want = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
		return want > back ? back : 0;
	}
	return 0;
}

void ws_mask_bytes(uint8_t *p, size_t n, const uint8_t mask[4], uint64_t off)
{
	uint8_t m8[8];
	for (int i = 0; i < 8; i++)
		m8[i] = mask[(off + (uint64_t)i) & 3];
	uint64_t w;
	memcpy(&w, m8, 8);
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t v;
		memcpy(&v, p + i, 8);
		v ^= w;
		memcpy(p + i, &v, 8);
	}
	for (; i < n; i++)
		p[i] ^= m8[i & 7];
}

bool ws_close_code_valid(unsigned code)
{
	return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
}

const char *ws_close_code_name(unsigned code)
{
	switch (code) {
	case 1000: return "normal closure";
	case 1001: return "going away";
	case 1002: return "protocol error";
	case 1003: return "unsupported data";
	case 1005: return "no status code";
	case 1006: return "connection lost without a close frame";
	case 1007: return "invalid payload data";
	case 1008: return "policy violation";
	case 1009: return "message too big";
	case 1010: return "mandatory extension";
	case 1011: return "internal error";
	default: return "";
	}
}

size_t ws_close_payload(uint8_t *out, unsigned code, const char *reason)
{
	out[0] = (uint8_t)(code >> 8);
	out[1] = (uint8_t)code;
	size_t n = reason ? strlen(reason) : 0;
	if (n > WS_CTL_MAX - 2)
		n = WS_CTL_MAX - 2;
	/* never cut a UTF-8 sequence in two */
	n -= ws_utf8_tail((const uint8_t *)reason, n);
	if (n)
		memcpy(out + 2, reason, n);
	return 2 + n;
}

size_t ws_hdr_build(uint8_t *out, bool fin, unsigned op, uint64_t len, const uint8_t *mask)
{
	size_t k = 0;
	out[k++] = (uint8_t)((fin ? 0x80u : 0u) | (op & 0x0Fu));
	uint8_t mbit = mask ? 0x80 : 0;
	if (len < 126) {
		out[k++] = (uint8_t)(mbit | len);
	} else if (len < 65536) {
		out[k++] = (uint8_t)(mbit | 126);
		out[k++] = (uint8_t)(len >> 8);
		out[k++] = (uint8_t)len;
	} else {
		out[k++] = (uint8_t)(mbit | 127);
		for (int i = 7; i >= 0; i--)
			out[k++] = (uint8_t)(len >> (8 * i));
	}
	if (mask) {
		memcpy(out + k, mask, 4);
		k += 4;
	}
	return k;
}

/* Header at in[0..inlen): 0 need more, -1 failed (ev set), else its length. */
static size_t parse_header(struct ws_dec *d, const uint8_t *in, size_t inlen, struct ws_event *ev, int *bad)
{
	*bad = 0;
	if (inlen < 2)
		return 0;
	uint8_t b0 = in[0], b1 = in[1];
	unsigned len7 = b1 & 0x7Fu;
	bool masked = b1 & 0x80u;
	size_t hl = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
	if (b0 & 0x70u) {
		fail(d, ev, WS_CLOSE_PROTOCOL, "reserved bits set in a frame header (no extension was negotiated)");
		*bad = 1;
		return 0;
	}
	unsigned op = b0 & 0x0Fu;
	if (op != WS_OP_CONT && op != WS_OP_TEXT && op != WS_OP_BINARY && op != WS_OP_CLOSE && op != WS_OP_PING &&
	    op != WS_OP_PONG) {
		fail(d, ev, WS_CLOSE_PROTOCOL, "reserved opcode in a frame header");
		*bad = 1;
		return 0;
	}
	bool fin = b0 & 0x80u;
	if (op & 8u) {
		if (!fin) {
			fail(d, ev, WS_CLOSE_PROTOCOL, "fragmented control frame");
			*bad = 1;
			return 0;
		}
		if (len7 > WS_CTL_MAX) {
			fail(d, ev, WS_CLOSE_PROTOCOL, "control frame longer than 125 bytes");
			*bad = 1;
			return 0;
		}
	}
	if (d->expect_masked && !masked) {
		fail(d, ev, WS_CLOSE_PROTOCOL, "unmasked frame from a client");
		*bad = 1;
		return 0;
	}
	if (!d->expect_masked && masked) {
		fail(d, ev, WS_CLOSE_PROTOCOL, "masked frame from a server");
		*bad = 1;
		return 0;
	}
	if (inlen < hl)
		return 0;
	uint64_t len = len7;
	const uint8_t *p = in + 2;
	if (len7 == 126) {
		len = ((uint64_t)p[0] << 8) | p[1];
		p += 2;
		if (len < 126) {
			fail(d, ev, WS_CLOSE_PROTOCOL, "frame length not in its shortest form");
			*bad = 1;
			return 0;
		}
	} else if (len7 == 127) {
		len = 0;
		for (int i = 0; i < 8; i++)
			len = (len << 8) | p[i];
		p += 8;
		if (len >> 63) {
			fail(d, ev, WS_CLOSE_PROTOCOL, "frame length with its most significant bit set (2^63 or more)");
			*bad = 1;
			return 0;
		}
		if (len < 65536) {
			fail(d, ev, WS_CLOSE_PROTOCOL, "frame length not in its shortest form");
			*bad = 1;
			return 0;
		}
	}
	if (!(op & 8u)) {
		if (op == WS_OP_CONT && !d->in_msg) {
			fail(d, ev, WS_CLOSE_PROTOCOL, "continuation frame without a message to continue");
			*bad = 1;
			return 0;
		}
		if (op != WS_OP_CONT && d->in_msg) {
			fail(d, ev, WS_CLOSE_PROTOCOL, "new data frame while a fragmented message is unfinished");
			*bad = 1;
			return 0;
		}
		uint64_t total = (op == WS_OP_CONT ? d->msg_len : 0) + len;
		if (total < len || (d->max_message && total > d->max_message)) {
			fail(d, ev, WS_CLOSE_TOO_BIG, "message larger than ws-max-message");
			*bad = 1;
			return 0;
		}
		if (op != WS_OP_CONT) {
			d->in_msg = true;
			d->msg_op = op;
			d->utf8_need = 0;
		}
		d->msg_len = total;
	}
	d->fin = fin;
	d->op = op;
	d->masked = masked;
	if (masked)
		memcpy(d->mask, p, 4);
	d->left = len;
	d->pos = 0;
	d->ctllen = 0;
	d->state = 1;
	return hl;
}

static void control_done(struct ws_dec *d, struct ws_event *ev)
{
	d->state = 0;
	ev->ctl = d->ctl;
	ev->ctllen = d->ctllen;
	switch (d->op) {
	case WS_OP_PING:
		ev->ev = WS_EV_PING;
		return;
	case WS_OP_PONG:
		ev->ev = WS_EV_PONG;
		return;
	default:
		break;
	}
	if (d->ctllen == 0) {
		ev->ev = WS_EV_CLOSE;
		ev->code = WS_CLOSE_NO_STATUS;
		return;
	}
	if (d->ctllen == 1) {
		fail(d, ev, WS_CLOSE_PROTOCOL, "close frame with a 1-byte payload");
		return;
	}
	unsigned code = ((unsigned)d->ctl[0] << 8) | d->ctl[1];
	if (!ws_close_code_valid(code)) {
		fail(d, ev, WS_CLOSE_PROTOCOL, "close frame with a code a peer may not send");
		return;
	}
	if (!ws_utf8_valid(d->ctl + 2, d->ctllen - 2)) {
		fail(d, ev, WS_CLOSE_BAD_DATA, "close reason is not UTF-8");
		return;
	}
	ev->ev = WS_EV_CLOSE;
	ev->code = code;
}

void ws_dec_step(struct ws_dec *d, const uint8_t *in, size_t inlen, uint8_t *out, size_t outcap,
		 struct ws_event *ev)
{
	memset(ev, 0, sizeof *ev);
	if (d->state == 2) {
		ev->ev = WS_EV_ERROR;
		ev->code = d->err_code;
		ev->why = d->err_why;
		return;
	}
	if (d->state == 0) {
		int bad;
		size_t hl = parse_header(d, in, inlen, ev, &bad);
		if (bad)
			return;
		if (!hl) {
			ev->ev = WS_EV_NEED;
			return;
		}
		ev->consumed = hl;
		in += hl;
		inlen -= hl;
	}
	if (d->op & 8u) {
		size_t k = d->left < inlen ? (size_t)d->left : inlen;
		memcpy(d->ctl + d->ctllen, in, k);
		if (d->masked)
			ws_mask_bytes(d->ctl + d->ctllen, k, d->mask, d->pos);
		d->ctllen += k;
		d->pos += k;
		d->left -= k;
		ev->consumed += k;
		if (d->left) {
			ev->ev = WS_EV_NEED;
			return;
		}
		control_done(d, ev);
		return;
	}
	size_t k = inlen < outcap ? inlen : outcap;
	if (d->left < k)
		k = (size_t)d->left;
	if (k == 0 && d->left) {
		ev->ev = WS_EV_NEED;
		return;
	}
	memcpy(out, in, k);
	if (d->masked)
		ws_mask_bytes(out, k, d->mask, d->pos);
	d->pos += k;
	d->left -= k;
	ev->consumed += k;
	bool text = d->msg_op == WS_OP_TEXT;
	if (text) {
		for (size_t i = 0; i < k; i++) {
			if (!utf8_feed(d, out[i])) {
				fail(d, ev, WS_CLOSE_BAD_DATA, "invalid UTF-8 in a text message");
				return;
			}
		}
	}
	ev->ev = WS_EV_DATA;
	ev->datalen = k;
	ev->text = text;
	if (!d->left) {
		d->state = 0;
		if (d->fin) {
			d->in_msg = false;
			ev->msg_end = true;
			if (text && d->utf8_need) {
				fail(d, ev, WS_CLOSE_BAD_DATA, "text message ends inside a UTF-8 sequence");
				return;
			}
		}
	}
}

bool ws_dec_ready(const struct ws_dec *d, const uint8_t *in, size_t inlen)
{
	if (d->state == 2)
		return true;
	if (d->state == 1)
		return inlen > 0 || d->left == 0;
	if (inlen < 2)
		return false;
	unsigned len7 = in[1] & 0x7Fu;
	size_t hl = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((in[1] & 0x80u) ? 4 : 0);
	return inlen >= hl;
}

/* ---- handshake text ---- */

static const char ws_guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

void ws_accept_for(const char *key, size_t keylen, char *out)
{
	unsigned char md[SHA_DIGEST_LENGTH];
	char buf[128 + sizeof ws_guid];
	if (keylen > 128)
		keylen = 128;
	memcpy(buf, key, keylen);
	memcpy(buf + keylen, ws_guid, sizeof ws_guid - 1);
	SHA1((const unsigned char *)buf, keylen + sizeof ws_guid - 1, md);
	EVP_EncodeBlock((unsigned char *)out, md, SHA_DIGEST_LENGTH);
	out[WS_ACCEPT_LEN] = 0;
}

static bool b64char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

bool ws_key_valid(const char *key, size_t keylen)
{
	if (keylen != WS_KEY_LEN || key[22] != '=' || key[23] != '=')
		return false;
	for (size_t i = 0; i < 22; i++)
		if (!b64char(key[i]))
			return false;
	return true;
}

size_t ws_http_end(const char *buf, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n')
			return i + 4;
	return 0;
}

bool ws_http_header(const char *block, size_t n, const char *name, unsigned idx, const char **val,
		    size_t *vlen)
{
	size_t nl = strlen(name);
	const char *p = memchr(block, '\n', n);
	const char *end = block + n;
	while (p && p + 1 < end) {
		const char *line = p + 1;
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			eol = end;
		size_t ll = (size_t)(eol - line);
		if (ll && line[ll - 1] == '\r')
			ll--;
		if (ll == 0)
			break;
		if (ll > nl && line[nl] == ':' && strncasecmp(line, name, nl) == 0) {
			if (idx == 0) {
				const char *v = line + nl + 1, *ve = line + ll;
				while (v < ve && (*v == ' ' || *v == '\t'))
					v++;
				while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
					ve--;
				*val = v;
				*vlen = (size_t)(ve - v);
				return true;
			}
			idx--;
		}
		p = eol < end ? eol : NULL;
	}
	return false;
}

bool ws_http_has_token(const char *val, size_t vlen, const char *token)
{
	size_t tl = strlen(token);
	size_t i = 0;
	while (i < vlen) {
		while (i < vlen && (val[i] == ' ' || val[i] == '\t' || val[i] == ','))
			i++;
		size_t s = i;
		while (i < vlen && val[i] != ',')
			i++;
		size_t e = i;
		while (e > s && (val[e - 1] == ' ' || val[e - 1] == '\t'))
			e--;
		if (e - s == tl && strncasecmp(val + s, token, tl) == 0)
			return true;
	}
	return false;
}
