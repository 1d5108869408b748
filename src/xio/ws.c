/* WS (client) and WS-LISTEN (server): RFC 6455 WebSocket over TCP. The transport open is TCP's
 * (connect, or listen with fork/range/max-children); the HTTP upgrade runs as a nonblocking
 * handshake step (layer.c); then an endpoint whose read/write/shutdown_write frame the bytes
 * (the codec is ws_frame.c, pure).
 *
 * Data path:
 *  - read: frames are decoded as they arrive; data payloads are handed to the engine as bytes
 *    (text and binary alike), pings are answered with pongs, a close frame is EOF. The read
 *    buffer has a fixed size and a message of any size streams through it.
 *  - write: each write of the engine becomes one frame of at most WS_OUT_MAX payload bytes
 *    (binary by default; with ws-text a text message whose frames never split a UTF-8
 *    sequence... except where the bytes end in one: then the message continues in the next
 *    frame). A frame the socket takes only partly is finished before anything else and its
 *    payload is reported as written only then (EAGAIN meanwhile, as SSL_write does): a slow
 *    peer stops the engine's reader, nothing piles up.
 *  - shutdown_write (EOF from the other address): a close frame, 1000, or the peer's code
 *    echoed when the peer closed first.
 * Protocol errors close with the RFC's code (1002, 1007, 1009) and one log line.
 *
 * WSS and WSS-LISTEN put the TLS layer (tls.c) between: TCP, then TLS, then this layer, whose
 * transport I/O then goes through the TLS endpoint's ops (kept in ws_conn.inner). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "common/log.h"
#include "xio/layer.h"
#include "xio/tls.h"
#include "xio/ws_frame.h"

#define WS_IN_CAP    (64u * 1024u)
#define WS_OUT_MAX   (64u * 1024u)
#define WS_HS_MAX    8192u

struct ws_cfg {
	bool server;
	bool tls;                           /* WSS, WSS-LISTEN: over TLS (tls.c) */
	char typed[64];
	char *host, *port, *path, *hosthdr; /* client */
	char *want_path;                    /* server: ws-path */
	char *origin, *protocol;
	char **headers;                     /* client: ws-header lines */
	size_t nheaders;
	bool text;
	unsigned long long max_message;
	double ping_interval, ping_timeout; /* 0: no pings */
};

struct ws_conn {
	int fd;
	struct endpoint inner;  /* the transport's ops/ctx when it has some (TLS), else ops NULL */
	bool server;            /* frames we send are unmasked; frames we get must be masked */
	bool text;
	bool msg_open;          /* a text message continues in the next frame */
	struct ws_dec dec;
	uint8_t *in;
	size_t inlen, inoff;
	uint8_t *out;           /* the frame being sent */
	size_t outlen, outoff;
	size_t out_payload;     /* its payload bytes, reported to the engine once it is sent */
	uint8_t ctl[WS_HDR_MAX + WS_CTL_MAX]; /* a control frame waiting for its turn */
	size_t ctllen;
	bool ctl_is_close;
	bool close_sent, close_rcvd, failed;
	unsigned peer_code;
	/* ws-ping-interval/-timeout: armed on the first read or write, in the process that
	 * serves the session (never before a fork) */
	struct loop *lp;
	double ping_interval, ping_timeout;
	struct loop_timer *ping_t, *dead_t;
	bool timers_started, dead;
	char name[64];
	char peer[320];
};

/* ---- transport I/O ---- */

static ssize_t tr_send(struct ws_conn *w, const void *p, size_t n)
{
	if (w->inner.ops && w->inner.ops->write)
		return w->inner.ops->write(&w->inner, p, n);
	return send(w->fd, p, n, MSG_NOSIGNAL);
}

static ssize_t tr_recv(struct ws_conn *w, void *p, size_t n)
{
	if (w->inner.ops && w->inner.ops->read)
		return w->inner.ops->read(&w->inner, p, n);
	return recv(w->fd, p, n, 0);
}

static void fill_mask(uint8_t m[4])
{
	if (RAND_bytes(m, 4) != 1) {
		/* RAND_bytes failing leaves us with no secret mask; any mask is still valid framing */
		m[0] = 0x5a;
		m[1] = 0xa5;
		m[2] = 0x3c;
		m[3] = 0xc3;
	}
}

/* One frame into dst (room for the header and n bytes): masked when we are the client, as
 * RFC 6455 wants. Returns its length. */
static size_t frame_into(const struct ws_conn *w, uint8_t *dst, bool fin, unsigned op, const void *payload,
			 size_t n)
{
	uint8_t mask[4];
	if (!w->server)
		fill_mask(mask);
	size_t hl = ws_hdr_build(dst, fin, op, n, w->server ? NULL : mask);
	memcpy(dst + hl, payload, n);
	if (!w->server)
		ws_mask_bytes(dst + hl, n, mask, 0);
	return hl + n;
}

/* Queue a control frame (a close replaces a queued pong; nothing after a close). */
static void queue_ctl(struct ws_conn *w, unsigned op, const uint8_t *payload, size_t n)
{
	if (w->ctl_is_close || w->close_sent)
		return;
	w->ctllen = frame_into(w, w->ctl, true, op, payload, n);
	if (op == WS_OP_CLOSE) {
		w->ctl_is_close = true;
		w->close_sent = true;
	}
}

/* Send what is queued: the frame in flight, then a waiting control frame. 0: all sent; -1 with
 * errno (EAGAIN: the socket is full). */
static int flush_out(struct ws_conn *w)
{
	for (;;) {
		while (w->outoff < w->outlen) {
			ssize_t n = tr_send(w, w->out + w->outoff, w->outlen - w->outoff);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			w->outoff += (size_t)n;
		}
		if (!w->ctllen)
			return 0;
		if (!w->out) {
			w->out = malloc(WS_HDR_MAX + WS_OUT_MAX);
			if (!w->out) {
				errno = ENOMEM;
				return -1;
			}
		}
		memcpy(w->out, w->ctl, w->ctllen);
		w->outlen = w->ctllen;
		w->outoff = 0;
		w->ctllen = 0;
	}
}

/* Buffers exist only while bytes are in them: an idle connection holds none. */
static void release_out(struct ws_conn *w)
{
	if (w->out && w->outoff >= w->outlen && !w->out_payload && !w->ctllen) {
		free(w->out);
		w->out = NULL;
		w->outlen = w->outoff = 0;
	}
}

static void release_in(struct ws_conn *w)
{
	if (w->in && w->inoff >= w->inlen) {
		free(w->in);
		w->in = NULL;
		w->inlen = w->inoff = 0;
	}
}

static void send_close(struct ws_conn *w, unsigned code, const char *reason)
{
	uint8_t p[WS_CTL_MAX];
	size_t n = code == WS_CLOSE_NO_STATUS ? 0 : ws_close_payload(p, code, reason);
	queue_ctl(w, WS_OP_CLOSE, p, n);
	if (flush_out(w) < 0 && errno != EAGAIN)
		DBG("%s: sending close frame to %s: %s", w->name, w->peer, strerror(errno));
}

/* ---- keepalive pings ---- */

static void dead_cb(struct loop *lp, void *arg)
{
	struct ws_conn *w = arg;
	(void)lp;
	w->dead_t = NULL;
	ERR("%s: %s did not answer a ping within %.3g s (ws-ping-timeout): ending the session", w->name, w->peer,
	    w->ping_timeout);
	w->dead = true;
	/* the engine sees the socket readable and reads ETIMEDOUT from ws_read */
	shutdown(w->fd, SHUT_RDWR);
}

static void ping_cb(struct loop *lp, void *arg)
{
	struct ws_conn *w = arg;
	w->ping_t = NULL;
	if (w->close_sent || w->failed || w->dead)
		return;
	if (!w->ctllen) { /* a pong still waiting for its turn says enough */
		queue_ctl(w, WS_OP_PING, (const uint8_t *)"duct", 4);
		if (flush_out(w) < 0 && errno != EAGAIN)
			DBG("%s: sending a ping to %s: %s", w->name, w->peer, strerror(errno));
	}
	if (!w->dead_t)
		w->dead_t = loop_timer_add(lp, w->ping_timeout, dead_cb, w);
	w->ping_t = loop_timer_add(lp, w->ping_interval, ping_cb, w);
}

static void start_timers(struct ws_conn *w)
{
	w->timers_started = true;
	if (w->ping_interval > 0 && w->lp)
		w->ping_t = loop_timer_add(w->lp, w->ping_interval, ping_cb, w);
}

/* the peer sent something: it is alive */
static void peer_alive(struct ws_conn *w)
{
	if (w->dead_t) {
		loop_timer_cancel(w->lp, w->dead_t);
		w->dead_t = NULL;
	}
}

/* ---- the endpoint ---- */

/* Every read and write first: the ping timers start with the relay (not during the handshake),
 * and a connection whose pong never came is over (ETIMEDOUT). */
static bool ws_usable(struct ws_conn *w)
{
	if (!w->timers_started)
		start_timers(w);
	if (w->dead) {
		errno = ETIMEDOUT;
		return false;
	}
	return true;
}

static ssize_t ws_read(struct endpoint *ep, void *buf, size_t len)
{
	struct ws_conn *w = ep->ctx;
	if (!ws_usable(w))
		return -1;
	for (;;) {
		if (flush_out(w) < 0 && errno != EAGAIN) {
			if (!w->close_rcvd)
				return -1;
		}
		if (w->close_rcvd)
			return 0;
		if (w->failed) {
			errno = EPROTO;
			return -1;
		}
		if (w->inoff < w->inlen) {
			struct ws_event ev;
			ws_dec_step(&w->dec, w->in + w->inoff, w->inlen - w->inoff, buf, len, &ev);
			w->inoff += ev.consumed;
			switch (ev.ev) {
			case WS_EV_DATA:
				if (ev.datalen)
					return (ssize_t)ev.datalen;
				continue;
			case WS_EV_PING:
				DBG("%s: ping from %s (%zu bytes), answering with a pong", w->name, w->peer, ev.ctllen);
				queue_ctl(w, WS_OP_PONG, ev.ctl, ev.ctllen);
				continue;
			case WS_EV_PONG:
				DBG("%s: pong from %s", w->name, w->peer);
				continue;
			case WS_EV_CLOSE: {
				w->close_rcvd = true;
				w->peer_code = ev.code;
				snprintf(endpoint_report(ep)->end_reason, sizeof ep->report->end_reason, "ws-close:%u", ev.code);
				const char *nm = ws_close_code_name(ev.code);
				if (ev.ctllen > 2)
					NOTE("%s: peer closed: %u%s%s, reason \"%.*s\"", w->name, ev.code, *nm ? " " : "", nm,
					     (int)(ev.ctllen - 2), (const char *)ev.ctl + 2);
				else
					NOTE("%s: peer closed: %u%s%s", w->name, ev.code, *nm ? " " : "", nm);
				if (w->close_sent)
					shutdown(w->fd, SHUT_WR); /* both closes done: the TCP end follows */
				return 0;
			}
			case WS_EV_ERROR:
				ERR("%s: %s from %s; closing with %u (%s)", w->name, ev.why, w->peer, ev.code,
				    ws_close_code_name(ev.code));
				w->failed = true;
				snprintf(endpoint_report(ep)->end_reason, sizeof ep->report->end_reason, "ws-close:%u", ev.code);
				snprintf(endpoint_report(ep)->error, sizeof ep->report->error, "%s", ev.why);
				send_close(w, ev.code, ev.why);
				errno = EPROTO;
				return -1;
			case WS_EV_NEED:
				break;
			}
		}
		if (w->inoff == w->inlen) {
			w->inoff = w->inlen = 0;
		} else if (w->inoff) {
			memmove(w->in, w->in + w->inoff, w->inlen - w->inoff);
			w->inlen -= w->inoff;
			w->inoff = 0;
		}
		if (!w->in) {
			w->in = malloc(WS_IN_CAP);
			if (!w->in) {
				errno = ENOMEM;
				return -1;
			}
		}
		ssize_t n = tr_recv(w, w->in + w->inlen, WS_IN_CAP - w->inlen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			release_in(w);
			release_out(w);
			errno = e;
			return -1;
		}
		if (n == 0) {
			if (!w->close_sent)
				NOTE("%s: peer %s closed the connection without a close frame (1006)", w->name, w->peer);
			else
				INFO("%s: peer %s closed the connection without answering our close frame", w->name, w->peer);
			w->close_rcvd = true;
			return 0;
		}
		peer_alive(w);
		w->inlen += (size_t)n;
	}
}

static ssize_t ws_write(struct endpoint *ep, const void *buf, size_t len)
{
	struct ws_conn *w = ep->ctx;
	if (!ws_usable(w))
		return -1;
	if (w->close_sent || w->failed) {
		errno = EPIPE;
		return -1;
	}
	if (len == 0)
		return 0;
	int r = flush_out(w);
	if (w->out_payload) {
		if (w->outoff < w->outlen)
			return -1; /* errno from flush_out */
		size_t p = w->out_payload;
		w->out_payload = 0;
		release_out(w);
		return (ssize_t)p;
	}
	if (r < 0)
		return -1;
	if (!w->out) {
		w->out = malloc(WS_HDR_MAX + WS_OUT_MAX);
		if (!w->out) {
			errno = ENOMEM;
			return -1;
		}
	}
	size_t n = len < WS_OUT_MAX ? len : WS_OUT_MAX;
	bool fin = true;
	unsigned op = WS_OP_BINARY;
	if (w->text) {
		size_t tail = ws_utf8_tail(buf, n);
		op = w->msg_open ? WS_OP_CONT : WS_OP_TEXT;
		fin = tail == 0;
		w->msg_open = !fin;
	}
	w->outlen = frame_into(w, w->out, fin, op, buf, n);
	w->outoff = 0;
	w->out_payload = n;
	if (flush_out(w) < 0 && w->outoff < w->outlen)
		return -1;
	w->out_payload = 0;
	release_out(w);
	return (ssize_t)n;
}

static int ws_shutdown_write(struct endpoint *ep)
{
	struct ws_conn *w = ep->ctx;
	if (w->close_sent)
		return 0;
	if (w->msg_open) {
		/* the bytes ended inside a UTF-8 sequence: end the message as it is */
		uint8_t h[WS_HDR_MAX];
		uint8_t mask[4];
		if (!w->server)
			fill_mask(mask);
		size_t hl = ws_hdr_build(h, true, WS_OP_CONT, 0, w->server ? NULL : mask);
		if (!w->out)
			w->out = malloc(WS_HDR_MAX + WS_OUT_MAX);
		if (w->outoff >= w->outlen && w->out) {
			memcpy(w->out, h, hl);
			w->outlen = hl;
			w->outoff = 0;
		}
		w->msg_open = false;
	}
	unsigned code = w->close_rcvd ? w->peer_code : WS_CLOSE_NORMAL;
	if (code == WS_CLOSE_ABNORMAL)
		code = WS_CLOSE_NORMAL;
	DBG("%s: end of data: sending close %u to %s", w->name, code, w->peer);
	send_close(w, code, NULL);
	if (w->close_rcvd && w->outoff >= w->outlen && !w->ctllen && shutdown(w->fd, SHUT_WR) < 0 && errno != ENOTCONN)
		return -1;
	return 0;
}

static size_t ws_pending(struct endpoint *ep)
{
	struct ws_conn *w = ep->ctx;
	size_t n = 0;
	if (w->inoff < w->inlen && ws_dec_ready(&w->dec, w->in + w->inoff, w->inlen - w->inoff))
		n = w->inlen - w->inoff;
	if (w->inner.ops && w->inner.ops->pending)
		n += w->inner.ops->pending(&w->inner);
	return n;
}

static void ws_conn_free(struct ws_conn *w)
{
	free(w->in);
	free(w->out);
	free(w);
}

static void ws_close(struct endpoint *ep)
{
	struct ws_conn *w = ep->ctx;
	if (w->ping_t)
		loop_timer_cancel(w->lp, w->ping_t);
	if (w->dead_t)
		loop_timer_cancel(w->lp, w->dead_t);
	if (w->inner.ops && w->inner.ops->close) {
		w->inner.ops->close(&w->inner);
	} else if (w->fd >= 0) {
		endpoint_close_fd(w->fd);
	}
	if (ep->wfd >= 0 && ep->wfd != w->fd)
		close(ep->wfd);
	ws_conn_free(w);
	ep->ctx = NULL;
	ep->rfd = ep->wfd = -1;
}

static const struct endpoint_ops ws_ops = {
	.read = ws_read,
	.write = ws_write,
	.shutdown_write = ws_shutdown_write,
	.pending = ws_pending,
	.close = ws_close,
};

/* ---- the handshake ---- */

struct ws_hs {
	char in[WS_HS_MAX];
	size_t inlen;
	char *out;
	size_t outlen, outoff;
	bool got;          /* the request/response is complete and answered */
	bool ok;           /* server: 101 sent; client: 101 checked */
	size_t hdrend;
	char key[WS_KEY_LEN + 1];
	char accept[WS_ACCEPT_LEN + 1];
};

static ssize_t hs_send(struct lconn *c, const void *p, size_t n)
{
	if (c->ep->ops && c->ep->ops->write)
		return c->ep->ops->write(c->ep, p, n);
	return send(c->fd, p, n, MSG_NOSIGNAL);
}

static ssize_t hs_recv(struct lconn *c, void *p, size_t n)
{
	if (c->ep->ops && c->ep->ops->read)
		return c->ep->ops->read(c->ep, p, n);
	return recv(c->fd, p, n, 0);
}

static int out_printf(struct ws_hs *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int out_printf(struct ws_hs *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int k = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (k < 0)
		return -1;
	char *n = realloc(st->out, st->outlen + (size_t)k + 1);
	if (!n) {
		free(s);
		return -1;
	}
	memcpy(n + st->outlen, s, (size_t)k + 1);
	st->out = n;
	st->outlen += (size_t)k;
	free(s);
	return 0;
}

static int ws_begin(struct lconn *c)
{
	struct ws_cfg *cfg = c->L->cfg;
	struct ws_hs *st = calloc(1, sizeof *st);
	if (!st) {
		ERR("out of memory");
		return -1;
	}
	c->st = st;
	if (cfg->server)
		return 0;
	unsigned char raw[16];
	if (RAND_bytes(raw, sizeof raw) != 1) {
		ERR("%s: no random bytes for Sec-WebSocket-Key", cfg->typed);
		return -1;
	}
	EVP_EncodeBlock((unsigned char *)st->key, raw, sizeof raw);
	ws_accept_for(st->key, WS_KEY_LEN, st->accept);
	int rc = out_printf(st,
			    "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
			    "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n",
			    cfg->path, cfg->hosthdr, st->key);
	if (!rc && cfg->origin)
		rc = out_printf(st, "Origin: %s\r\n", cfg->origin);
	if (!rc && cfg->protocol)
		rc = out_printf(st, "Sec-WebSocket-Protocol: %s\r\n", cfg->protocol);
	for (size_t i = 0; !rc && i < cfg->nheaders; i++)
		rc = out_printf(st, "%s\r\n", cfg->headers[i]);
	if (!rc)
		rc = out_printf(st, "\r\n");
	if (rc) {
		ERR("out of memory");
		return -1;
	}
	DBG("%s: sending the upgrade request for %s to %s", cfg->typed, cfg->path, c->peer);
	return 0;
}

static void ws_drop(struct lconn *c)
{
	struct ws_hs *st = c->st;
	if (st)
		free(st->out);
	free(st);
	c->st = NULL;
}

/* An HTTP refusal with a one-line reason as its body (logged too). */
static void refuse(struct lconn *c, struct ws_hs *st, int status, const char *text, const char *reason,
		   const char *extra)
{
	struct ws_cfg *cfg = c->L->cfg;
	ERR("%s: refused the request from %s: %d %s: %s", cfg->typed, c->peer, status, text, reason);
	free(st->out);
	st->out = NULL;
	st->outlen = st->outoff = 0;
	if (out_printf(st,
		       "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %zu\r\n%s"
		       "Connection: close\r\n\r\n%s\n",
		       status, text, strlen(reason) + 1, extra ? extra : "", reason) < 0) {
		st->out = NULL;
		st->outlen = 0;
	}
	st->ok = false;
}

/* The length of an HTTP head's first line (status or request line), at most max, for messages */
static int head_line_len(const char *b, size_t n, size_t max)
{
	const char *eol = memchr(b, '\r', n);
	size_t l1 = eol ? (size_t)(eol - b) : n;
	return (int)(l1 < max ? l1 : max);
}

/* The request is in st->in[0..hdrend): answer it (101 or a refusal) into st->out. */
static void server_answer(struct lconn *c, struct ws_hs *st)
{
	struct ws_cfg *cfg = c->L->cfg;
	const char *b = st->in;
	size_t n = st->hdrend;
	char line[512];
	snprintf(line, sizeof line, "%.*s", head_line_len(b, n, 400), b);
	char *sp1 = strchr(line, ' ');
	char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0) {
		refuse(c, st, 400, "Bad Request", "not an HTTP/1.1 request line", NULL);
		return;
	}
	*sp1 = *sp2 = 0;
	const char *target = sp1 + 1;
	if (strcmp(line, "GET") != 0) {
		refuse(c, st, 400, "Bad Request", "a WebSocket upgrade is a GET request", NULL);
		return;
	}
	const char *v;
	size_t vl;
	if (!ws_http_header(b, n, "Upgrade", 0, &v, &vl) || !ws_http_has_token(v, vl, "websocket")) {
		refuse(c, st, 426, "Upgrade Required", "this is a WebSocket endpoint: send Upgrade: websocket",
		       "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n");
		return;
	}
	if (!ws_http_header(b, n, "Connection", 0, &v, &vl) || !ws_http_has_token(v, vl, "upgrade")) {
		refuse(c, st, 400, "Bad Request", "Connection: Upgrade missing", NULL);
		return;
	}
	if (!ws_http_header(b, n, "Sec-WebSocket-Version", 0, &v, &vl) || vl != 2 || memcmp(v, "13", 2) != 0) {
		refuse(c, st, 426, "Upgrade Required", "only WebSocket version 13 is spoken",
		       "Sec-WebSocket-Version: 13\r\n");
		return;
	}
	if (!ws_http_header(b, n, "Sec-WebSocket-Key", 0, &v, &vl) || !ws_key_valid(v, vl)) {
		refuse(c, st, 400, "Bad Request", "Sec-WebSocket-Key missing or not base64 of 16 bytes", NULL);
		return;
	}
	char key[WS_KEY_LEN + 1];
	memcpy(key, v, WS_KEY_LEN);
	key[WS_KEY_LEN] = 0;
	size_t plen = strcspn(target, "?");
	if (cfg->want_path && (strlen(cfg->want_path) != plen || strncmp(cfg->want_path, target, plen) != 0)) {
		char why[600];
		snprintf(why, sizeof why, "path %.*s is not served here (ws-path=%s)", (int)plen, target, cfg->want_path);
		refuse(c, st, 404, "Not Found", why, NULL);
		return;
	}
	if (cfg->origin) {
		if (!ws_http_header(b, n, "Origin", 0, &v, &vl) || vl != strlen(cfg->origin) ||
		    strncasecmp(v, cfg->origin, vl) != 0) {
			refuse(c, st, 403, "Forbidden", "Origin not allowed (ws-origin)", NULL);
			return;
		}
	}
	bool proto_ok = false;
	if (cfg->protocol) {
		for (unsigned i = 0; !proto_ok && ws_http_header(b, n, "Sec-WebSocket-Protocol", i, &v, &vl); i++)
			proto_ok = ws_http_has_token(v, vl, cfg->protocol);
		if (!proto_ok) {
			char why[300];
			snprintf(why, sizeof why, "the client does not offer subprotocol %.200s (ws-protocol)", cfg->protocol);
			refuse(c, st, 400, "Bad Request", why, NULL);
			return;
		}
	}
	ws_accept_for(key, WS_KEY_LEN, st->accept);
	if (out_printf(st,
		       "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
		       "Sec-WebSocket-Accept: %s\r\n%s%s%s\r\n",
		       st->accept, proto_ok ? "Sec-WebSocket-Protocol: " : "", proto_ok ? cfg->protocol : "",
		       proto_ok ? "\r\n" : "") < 0) {
		ERR("out of memory");
		return;
	}
	INFO("%s: upgrade request for %.*s from %s accepted", cfg->typed, (int)plen, target, c->peer);
	st->ok = true;
}

/* The response is in st->in[0..hdrend): true when it is a valid 101 for our request. */
static bool client_check(struct lconn *c, struct ws_hs *st)
{
	struct ws_cfg *cfg = c->L->cfg;
	const char *b = st->in;
	size_t n = st->hdrend;
	int l1 = head_line_len(b, n, 200);
	if (n < 12 || strncmp(b, "HTTP/1.", 7) != 0 || strncmp(b + 8, " 101", 4) != 0) {
		ERR("%s: %s answered \"%.*s\" instead of 101 Switching Protocols (is it a WebSocket server? is the path %s right?)",
		    cfg->typed, c->peer, l1, b, cfg->path);
		return false;
	}
	const char *v;
	size_t vl;
	if (!ws_http_header(b, n, "Upgrade", 0, &v, &vl) || !ws_http_has_token(v, vl, "websocket")) {
		ERR("%s: %s answered 101 without Upgrade: websocket", cfg->typed, c->peer);
		return false;
	}
	if (!ws_http_header(b, n, "Connection", 0, &v, &vl) || !ws_http_has_token(v, vl, "upgrade")) {
		ERR("%s: %s answered 101 without Connection: Upgrade", cfg->typed, c->peer);
		return false;
	}
	if (!ws_http_header(b, n, "Sec-WebSocket-Accept", 0, &v, &vl) || vl != WS_ACCEPT_LEN ||
	    memcmp(v, st->accept, WS_ACCEPT_LEN) != 0) {
		ERR("%s: %s answered 101 with a wrong or missing Sec-WebSocket-Accept (expected %s)", cfg->typed, c->peer,
		    st->accept);
		return false;
	}
	bool has = ws_http_header(b, n, "Sec-WebSocket-Protocol", 0, &v, &vl);
	if (cfg->protocol && (!has || vl != strlen(cfg->protocol) || memcmp(v, cfg->protocol, vl) != 0)) {
		ERR("%s: %s did not agree to subprotocol %s (ws-protocol)", cfg->typed, c->peer, cfg->protocol);
		return false;
	}
	if (!cfg->protocol && has) {
		ERR("%s: %s chose subprotocol \"%.*s\" that was not asked for", cfg->typed, c->peer, (int)(vl < 100 ? vl : 100), v);
		return false;
	}
	return true;
}

static enum lstep hs_flush(struct lconn *c, struct ws_hs *st)
{
	while (st->outoff < st->outlen) {
		ssize_t k = hs_send(c, st->out + st->outoff, st->outlen - st->outoff);
		if (k < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return LSTEP_WRITE;
			if (errno == EINTR)
				continue;
			ERR("%s: sending the handshake to %s: %s", layer_name(c), c->peer, strerror(errno));
			return LSTEP_FAIL;
		}
		st->outoff += (size_t)k;
	}
	return LSTEP_DONE;
}

/* Read until the header block is complete: LSTEP_DONE then. */
static enum lstep hs_read(struct lconn *c, struct ws_hs *st, const char *what)
{
	while (!st->hdrend) {
		if (st->inlen == sizeof st->in) {
			ERR("%s: %s from %s is longer than %u bytes", layer_name(c), what, c->peer, WS_HS_MAX);
			return LSTEP_FAIL;
		}
		ssize_t k = hs_recv(c, st->in + st->inlen, sizeof st->in - st->inlen);
		if (k < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return LSTEP_READ;
			if (errno == EINTR)
				continue;
			ERR("%s: reading the %s from %s: %s", layer_name(c), what, c->peer, strerror(errno));
			return LSTEP_FAIL;
		}
		if (k == 0) {
			ERR("%s: %s closed the connection %s", layer_name(c), c->peer,
			    st->inlen ? "in the middle of its handshake" : "without a WebSocket handshake");
			return LSTEP_FAIL;
		}
		size_t from = st->inlen > 3 ? st->inlen - 3 : 0;
		st->inlen += (size_t)k;
		size_t e = ws_http_end(st->in + from, st->inlen - from);
		if (e)
			st->hdrend = from + e;
	}
	return LSTEP_DONE;
}

static enum lstep ws_finish(struct lconn *c, struct ws_hs *st)
{
	struct ws_cfg *cfg = c->L->cfg;
	struct endpoint *ep = c->ep;
	struct ws_conn *w = calloc(1, sizeof *w);
	size_t extra = st->inlen - st->hdrend; /* what came right after the handshake */
	uint8_t *in = extra ? malloc(WS_IN_CAP) : NULL;
	if (!w || (extra && !in)) {
		free(w);
		free(in);
		ERR("out of memory");
		return LSTEP_FAIL;
	}
	w->fd = c->fd;
	w->in = in;
	w->inlen = extra;
	if (extra)
		memcpy(w->in, st->in + st->hdrend, extra);
	w->server = cfg->server;
	w->text = cfg->text;
	w->lp = c->L->op->loop;
	w->ping_interval = cfg->ping_interval;
	w->ping_timeout = cfg->ping_timeout;
	ws_dec_init(&w->dec, cfg->server, cfg->max_message);
	snprintf(w->name, sizeof w->name, "%s", cfg->typed);
	snprintf(w->peer, sizeof w->peer, "%s", c->peer);
	if (ep->ops) {
		endpoint_report(ep); /* one report for both: what TLS under us says is the session's */
		w->inner = *ep;
		w->inner.env = NULL;
		w->inner.unlink_at_close = NULL;
	}
	ep->ops = &ws_ops;
	ep->ctx = w;
	ep->flags |= EPF_NOSPLICE;
	ep->flags &= ~EPF_RD_LATER; /* bytes may be waiting in our buffer already */
	snprintf(ep->desc, sizeof ep->desc, "WebSocket");
	NOTE("%s: WebSocket connection with %s%s%s (%s messages)", cfg->typed, c->peer, cfg->server ? "" : ", path ",
	     cfg->server ? "" : cfg->path, cfg->text ? "text" : "binary");
	return LSTEP_DONE;
}

static enum lstep ws_step(struct lconn *c, uint32_t events)
{
	struct ws_cfg *cfg = c->L->cfg;
	struct ws_hs *st = c->st;
	(void)events;
	enum lstep r;
	if (cfg->server) {
		if (!st->got) {
			r = hs_read(c, st, "upgrade request");
			if (r != LSTEP_DONE)
				return r;
			st->got = true;
			server_answer(c, st);
			if (!st->out)
				return LSTEP_FAIL;
		}
		r = hs_flush(c, st);
		if (r != LSTEP_DONE)
			return r;
		if (!st->ok)
			return LSTEP_FAIL; /* refused (logged); the reply went out */
		return ws_finish(c, st);
	}
	r = hs_flush(c, st);
	if (r != LSTEP_DONE)
		return r;
	r = hs_read(c, st, "upgrade response");
	if (r != LSTEP_DONE)
		return r;
	if (!client_check(c, st))
		return LSTEP_FAIL;
	return ws_finish(c, st);
}

static void ws_free_cfg(void *p)
{
	struct ws_cfg *c = p;
	if (!c)
		return;
	free(c->host);
	free(c->port);
	free(c->path);
	free(c->hosthdr);
	free(c->want_path);
	free(c->origin);
	free(c->protocol);
	for (size_t i = 0; i < c->nheaders; i++)
		free(c->headers[i]);
	free(c->headers);
	free(c);
}

static const struct layer_vt ws_vt = {
	.what = "WebSocket handshake",
	.begin = ws_begin,
	.step = ws_step,
	.drop = ws_drop,
	.free_cfg = ws_free_cfg,
};

/* ---- opens ---- */

static int inner_connect(struct xio_open *inner, void *arg)
{
	struct ws_cfg *cfg = arg;
	return layer_tcp_connect(inner, cfg->host, cfg->port);
}

static int inner_listen(struct xio_open *inner, void *arg)
{
	(void)arg;
	return ipstream_listen_open(inner, SOCK_STREAM, IPPROTO_TCP, "tcp");
}

/* A header line NAME:VALUE: a token, a colon, no line breaks */
static bool header_ok(const char *h)
{
	const char *colon = strchr(h, ':');
	if (!colon || colon == h || strpbrk(h, "\r\n"))
		return false;
	for (const char *p = h; p < colon; p++)
		if (*p <= ' ' || *p >= 127 || strchr("()<>@,;:\\\"/[]?={}", *p))
			return false;
	return true;
}

/* The options of both sides; false when one is wrong (logged). */
static bool take_opts(struct xio_open *op, struct ws_cfg *cfg)
{
	const char *s;
	bool b;
	snprintf(cfg->typed, sizeof cfg->typed, "%s", op->typed);
	bool bin = opt_take_bool(&op->opts, OPT_WS_BINARY, &b) && b;
	bool txt = opt_take_bool(&op->opts, OPT_WS_TEXT, &b) && b;
	if (bin && txt) {
		ERR("%s: ws-binary and ws-text both given; choose one (binary is the default)", op->typed);
		return false;
	}
	cfg->text = txt;
	long long mm;
	if (opt_take_int(&op->opts, OPT_WS_MAX_MESSAGE, &mm)) {
		if (mm <= 0) {
			ERR("%s: ws-max-message=%lld: expected a size in bytes above 0", op->typed, mm);
			return false;
		}
		cfg->max_message = (unsigned long long)mm;
	}
	double t;
	if (opt_take_time(&op->opts, OPT_WS_PING_INTERVAL, &t)) {
		if (t <= 0) {
			ERR("%s: ws-ping-interval: expected a time in seconds above 0, e.g. ws-ping-interval=30", op->typed);
			return false;
		}
		cfg->ping_interval = cfg->ping_timeout = t;
	}
	if (opt_take_time(&op->opts, OPT_WS_PING_TIMEOUT, &t)) {
		if (!cfg->ping_interval) {
			ERR("%s: ws-ping-timeout needs ws-ping-interval (pings are sent only with an interval)", op->typed);
			return false;
		}
		if (t <= 0) {
			ERR("%s: ws-ping-timeout: expected a time in seconds above 0", op->typed);
			return false;
		}
		cfg->ping_timeout = t;
	}
	if (opt_take_str(&op->opts, OPT_WS_PROTOCOL, &s) && s) {
		if (!*s || strpbrk(s, " \t,\r\n")) {
			ERR("%s: ws-protocol=\"%s\": expected one subprotocol name (a token, no blanks or commas)", op->typed, s);
			return false;
		}
		cfg->protocol = strdup(s);
	}
	if (opt_take_str(&op->opts, OPT_WS_ORIGIN, &s) && s) {
		if (strpbrk(s, "\r\n")) {
			ERR("%s: ws-origin: no line breaks allowed", op->typed);
			return false;
		}
		cfg->origin = strdup(s);
	}
	if (cfg->server && opt_present(&op->opts, OPT_WS_HEADER)) {
		ERR("%s: ws-header is for the client (WS:...): a server sends no request headers", op->typed);
		return false;
	}
	if (!cfg->server && opt_present(&op->opts, OPT_WS_PATH)) {
		ERR("%s: ws-path is for the server (WS-LISTEN): the client's path is in its URL, ws://HOST:PORT/PATH",
		    op->typed);
		return false;
	}
	if (cfg->server) {
		if (opt_take_str(&op->opts, OPT_WS_PATH, &s) && s) {
			if (s[0] != '/') {
				ERR("%s: ws-path=\"%s\": expected a path starting with /, e.g. ws-path=/chat", op->typed, s);
				return false;
			}
			cfg->want_path = strdup(s);
		}
		return true;
	}
	for (size_t i = 0; i < op->opts.n; i++) {
		struct opt_value *v = &op->opts.v[i];
		if (!v->def || v->def->id != OPT_WS_HEADER)
			continue;
		v->used = true;
		if (!v->s || !header_ok(v->s)) {
			ERR("%s: ws-header=\"%s\": expected NAME:VALUE, e.g. ws-header=Authorization:Bearer\\ x", op->typed,
			    v->s ? v->s : "");
			return false;
		}
		char **n = realloc(cfg->headers, (cfg->nheaders + 1) * sizeof *n);
		if (!n)
			return false;
		cfg->headers = n;
		const char *colon = strchr(v->s, ':');
		const char *val = colon + 1;
		while (*val == ' ')
			val++;
		if (asprintf(&cfg->headers[cfg->nheaders], "%.*s: %s", (int)(colon - v->s), v->s, val) < 0)
			return false;
		cfg->nheaders++;
	}
	return true;
}

/* ws://HOST[:PORT][/PATH] from the address's parameters (split at ':' by the grammar) */
static bool parse_url(struct xio_open *op, struct ws_cfg *cfg)
{
	char url[2048] = "";
	size_t o = 0;
	for (size_t i = 0; i < op->spec->nparams; i++) {
		int k = snprintf(url + o, sizeof url - o, "%s%s", i ? ":" : "", op->spec->params[i]);
		if (k < 0 || (size_t)k >= sizeof url - o) {
			ERR("%s: URL too long", op->typed);
			return false;
		}
		o += (size_t)k;
	}
	const char *scheme = cfg->tls ? "wss://" : "ws://";
	size_t sl = strlen(scheme);
	if (!cfg->tls && strncasecmp(url, "wss://", 6) == 0) {
		ERR("%s: \"%s\": wss:// is the WSS address: WSS:%s with the OPENSSL options (cafile=, verify=...)",
		    op->typed, url, url);
		return false;
	}
	if (strncasecmp(url, scheme, sl) != 0) {
		ERR("%s: \"%s\": expected a URL %sHOST[:PORT]/PATH, e.g. %s:%s127.0.0.1:8080/", op->typed, url, scheme,
		    op->typed, scheme);
		return false;
	}
	char *h = url + sl;
	char *slash = strchr(h, '/');
	char *q = strchr(h, '?');
	if (q && (!slash || q < slash))
		slash = q;
	cfg->path = strdup(slash ? slash : "/");
	if (slash && *slash == '?') {
		free(cfg->path);
		if (asprintf(&cfg->path, "/%s", slash) < 0)
			cfg->path = NULL;
	}
	if (slash)
		*slash = 0;
	char *port = NULL;
	if (*h == '[') {
		char *rb = strchr(h, ']');
		if (!rb) {
			ERR("%s: \"%s\": unclosed [ in the host", op->typed, url);
			return false;
		}
		*rb = 0;
		cfg->host = strdup(h + 1);
		if (rb[1] == ':')
			port = rb + 2;
		else if (rb[1]) {
			ERR("%s: expected :PORT after ]", op->typed);
			return false;
		}
	} else {
		char *colon = strchr(h, ':');
		if (colon) {
			*colon = 0;
			port = colon + 1;
		}
		cfg->host = strdup(h);
	}
	if (!cfg->host || !*cfg->host) {
		ERR("%s: no host in the URL; expected ws://HOST[:PORT]/PATH", op->typed);
		return false;
	}
	if (port && !*port) {
		ERR("%s: empty port in the URL; give one (ws://HOST:8080/) or leave \":\" out for 80", op->typed);
		return false;
	}
	cfg->port = strdup(port ? port : cfg->tls ? "443" : "80");
	bool v6 = strchr(cfg->host, ':') != NULL;
	if (asprintf(&cfg->hosthdr, "%s%s%s%s%s", v6 ? "[" : "", cfg->host, v6 ? "]" : "", port ? ":" : "",
		     port ? port : "") < 0)
		cfg->hosthdr = NULL;
	return cfg->path && cfg->port && cfg->hosthdr;
}

/* WSS: TLS (a layer of its own, tls.c) on the TCP transport, the WebSocket layer on TLS */
static int tls_inner_connect(struct xio_open *inner, void *arg)
{
	struct ws_cfg *cfg = arg;
	return tls_stream_layer_open(inner, false, cfg->host, inner_connect, cfg);
}

static int tls_inner_listen(struct xio_open *inner, void *arg)
{
	return tls_stream_layer_open(inner, true, NULL, inner_listen, arg);
}

static int ws_open(struct xio_open *op, bool server, bool tls)
{
	struct ws_cfg *cfg = calloc(1, sizeof *cfg);
	if (!cfg) {
		ERR("out of memory");
		return -1;
	}
	cfg->server = server;
	cfg->tls = tls;
	if ((!server && !parse_url(op, cfg)) || !take_opts(op, cfg)) {
		ws_free_cfg(cfg);
		return -1;
	}
	struct layer *L = layer_new(op, &ws_vt, cfg);
	if (!L)
		return -1;
	if (tls) {
		/* a failed TLS handshake is retried by the TLS layer under retry= */
		L->inner_layered = true;
		return layer_run(L, server ? tls_inner_listen : tls_inner_connect, cfg);
	}
	if (!server)
		layer_retry_failed_handshakes(L);
	return layer_run(L, server ? inner_listen : inner_connect, cfg);
}

static int ws_connect_open(struct xio_open *op) { return ws_open(op, false, false); }
static int ws_listen_open(struct xio_open *op) { return ws_open(op, true, false); }
static int wss_connect_open(struct xio_open *op) { return ws_open(op, false, true); }
static int wss_listen_open(struct xio_open *op) { return ws_open(op, true, true); }

#define WS_C_GROUPS (G(FD) | G(SOCKET) | G(IP4) | G(IP6) | G(TCP) | G(WS) | G(CHILD) | G(RETRY))
#define WS_L_GROUPS (WS_C_GROUPS | G(LISTEN) | G(RANGE))

static const char *const al_ws[] = { "WS-CONNECT", NULL };
static const char *const al_wsl[] = { "WS-L", NULL };
static const char *const al_wss[] = { "WSS-CONNECT", NULL };
static const char *const al_wssl[] = { "WSS-L", NULL };

const struct xio_handler xio_ws_connect = {
	.name = "WS", .aliases = al_ws, .usage = ":ws://<host>[:<port>]/<path>", .min_params = 2, .max_params = 3,
	.groups = WS_C_GROUPS, .dirs = XIO_RDWR, .arg = AF_UNSPEC, .flags = XH_MULTI,
	.open = ws_connect_open, .stop = layer_stop, .resume = layer_resume,
	.help = "WebSocket client (RFC 6455): bytes from the other address go out as messages (binary unless ws-text), messages' payloads come in as bytes",
};
const struct xio_handler xio_ws_listen = {
	.name = "WS-LISTEN", .aliases = al_wsl, .usage = ":<port>", .min_params = 1, .max_params = 1,
	.groups = WS_L_GROUPS, .dirs = XIO_RDWR, .arg = AF_UNSPEC, .flags = XH_MULTI,
	.open = ws_listen_open, .stop = layer_stop, .resume = layer_resume,
	.help = "WebSocket server on a TCP port; fork serves many connections in one process; other requests get an HTTP 4xx with the reason",
};
const struct xio_handler xio_wss_connect = {
	.name = "WSS", .aliases = al_wss, .usage = ":wss://<host>[:<port>]/<path>", .min_params = 2, .max_params = 3,
	.groups = WS_C_GROUPS | G(OPENSSL), .dirs = XIO_RDWR, .arg = AF_UNSPEC, .flags = XH_MULTI,
	.open = wss_connect_open, .stop = layer_stop, .resume = layer_resume,
	.help = "WebSocket client over TLS (port 443 unless given); verifies the server as OPENSSL does",
};
const struct xio_handler xio_wss_listen = {
	.name = "WSS-LISTEN", .aliases = al_wssl, .usage = ":<port>", .min_params = 1, .max_params = 1,
	.groups = WS_L_GROUPS | G(OPENSSL), .dirs = XIO_RDWR, .arg = AF_UNSPEC, .flags = XH_MULTI,
	.open = wss_listen_open, .stop = layer_stop, .resume = layer_resume,
	.help = "WebSocket server over TLS (cert=; as OPENSSL-LISTEN, verify=1 asks clients for certificates: verify=0 for browsers)",
};
