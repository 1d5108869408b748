/* Proxy dialogs as pure code (see proxy_parse.h). */
#include "xio/proxy_parse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <stdarg.h>

static void fail(struct px_reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct px_reply *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof r->msg, fmt, ap);
	va_end(ap);
}

/* Fewer than want bytes are in: the parser says how many it needs (PX_NEED follows). */
static bool short_of(size_t n, size_t want, struct px_reply *r)
{
	if (n >= want)
		return false;
	r->need = want;
	return true;
}

/* ---- SOCKS4 / SOCKS4A ---- */

size_t px_socks4_request(unsigned char *out, size_t cap, uint16_t port, const unsigned char ip[4],
			 const char *user, const char *host4a)
{
	size_t ul = user ? strlen(user) : 0;
	size_t hl = host4a ? strlen(host4a) : 0;
	if (ul > 255 || hl > 255)
		return 0;
	size_t need = 8 + ul + 1 + (host4a ? hl + 1 : 0);
	if (need > cap)
		return 0;
	out[0] = 4;
	out[1] = 1; /* CONNECT */
	out[2] = (unsigned char)(port >> 8);
	out[3] = (unsigned char)port;
	if (host4a) {
		out[4] = out[5] = out[6] = 0;
		out[7] = 1;
	} else {
		memcpy(out + 4, ip, 4);
	}
	if (ul)
		memcpy(out + 8, user, ul);
	out[8 + ul] = 0;
	if (host4a) {
		memcpy(out + 9 + ul, host4a, hl);
		out[9 + ul + hl] = 0;
	}
	return need;
}

int px_socks4_reply(const unsigned char *b, size_t n, struct px_reply *r)
{
	memset(r, 0, sizeof *r);
	if (short_of(n, 8, r))
		return PX_NEED;
	r->consumed = 8;
	r->code = b[1];
	if (b[0] != 0 && b[0] != 4) {
		fail(r, "not a SOCKS4 reply (version byte %d); is this a SOCKS4 server? (SOCKS5 servers need SOCKS5-CONNECT)", b[0]);
		r->code = b[1];
		return PX_FAIL;
	}
	switch (b[1]) {
	case 90:
		r->port = (uint16_t)(b[2] << 8 | b[3]);
		r->atyp = 1;
		memcpy(r->addr, b + 4, 4);
		r->addrlen = 4;
		snprintf(r->msg, sizeof r->msg, "request granted");
		return PX_OK;
	case 91:
		fail(r, "request rejected or failed (reply code %d): the server refused or could not reach the target", 91);
		return PX_FAIL;
	case 92:
		fail(r, "request rejected (reply code %d): the server cannot reach an identd on this host", 92);
		return PX_FAIL;
	case 93:
		fail(r, "request rejected (reply code %d): identd reports a different user id; set socksuser=NAME", 93);
		return PX_FAIL;
	default:
		fail(r, "request failed with unknown reply code %d", b[1]);
		return PX_FAIL;
	}
}

/* ---- SOCKS5 ---- */

size_t px_socks5_greeting(unsigned char *out, size_t cap, bool offer_userpass)
{
	size_t n = offer_userpass ? 4 : 3;
	if (cap < n)
		return 0;
	out[0] = 5;
	out[1] = offer_userpass ? 2 : 1;
	out[2] = PX_SOCKS5_NOAUTH;
	if (offer_userpass)
		out[3] = PX_SOCKS5_USERPASS;
	return n;
}

int px_socks5_method(const unsigned char *b, size_t n, bool offered_userpass, struct px_reply *r)
{
	memset(r, 0, sizeof *r);
	if (short_of(n, 2, r))
		return PX_NEED;
	r->consumed = 2;
	r->code = b[1];
	if (b[0] != 5) {
		fail(r, "not a SOCKS5 reply (version byte %d); is this a SOCKS5 server?", b[0]);
		r->code = b[1];
		return PX_FAIL;
	}
	if (b[1] == PX_SOCKS5_NOAUTH)
		return PX_OK;
	if (b[1] == PX_SOCKS5_USERPASS && offered_userpass)
		return PX_OK;
	if (b[1] == PX_SOCKS5_NONE) {
		if (offered_userpass)
			fail(r, "the server accepts none of our authentication methods (no authentication, username/password) (method %d)", 255);
		else
			fail(r, "the server demands authentication (method %d); give socksuser=NAME and sockspass=PASSWORD", 255);
		return PX_FAIL;
	}
	fail(r, "the server chose authentication method %d, which was not offered", b[1]);
	return PX_FAIL;
}

size_t px_socks5_auth_request(unsigned char *out, size_t cap, const char *user, const char *pass)
{
	size_t ul = strlen(user), pl = strlen(pass);
	if (ul > 255 || pl > 255 || cap < 3 + ul + pl)
		return 0;
	out[0] = 1;
	out[1] = (unsigned char)ul;
	memcpy(out + 2, user, ul);
	out[2 + ul] = (unsigned char)pl;
	memcpy(out + 3 + ul, pass, pl);
	return 3 + ul + pl;
}

int px_socks5_auth_reply(const unsigned char *b, size_t n, struct px_reply *r)
{
	memset(r, 0, sizeof *r);
	if (short_of(n, 2, r))
		return PX_NEED;
	r->consumed = 2;
	r->code = b[1];
	if (b[1] == 0)
		return PX_OK;
	fail(r, "the server refused the username/password (status %d); check socksuser= and sockspass=", b[1]);
	return PX_FAIL;
}

size_t px_socks5_request(unsigned char *out, size_t cap, int cmd, const char *host, uint16_t port)
{
	unsigned char a[16];
	size_t n;
	char h[256];
	size_t hl = strlen(host);
	/* "[v6]" brackets */
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']' && hl - 2 < sizeof h) {
		memcpy(h, host + 1, hl - 2);
		h[hl - 2] = 0;
	} else if (hl < sizeof h) {
		memcpy(h, host, hl + 1);
	} else {
		return 0;
	}
	hl = strlen(h);
	if (cap < 4)
		return 0;
	out[0] = 5;
	out[1] = (unsigned char)cmd;
	out[2] = 0;
	if (inet_pton(AF_INET, h, a) == 1) {
		if (cap < 10)
			return 0;
		out[3] = 1;
		memcpy(out + 4, a, 4);
		n = 8;
	} else if (inet_pton(AF_INET6, h, a) == 1) {
		if (cap < 22)
			return 0;
		out[3] = 4;
		memcpy(out + 4, a, 16);
		n = 20;
	} else {
		if (hl == 0 || hl > 255 || cap < 7 + hl)
			return 0;
		out[3] = 3;
		out[4] = (unsigned char)hl;
		memcpy(out + 5, h, hl);
		n = 5 + hl;
	}
	out[n] = (unsigned char)(port >> 8);
	out[n + 1] = (unsigned char)port;
	return n + 2;
}

const char *px_socks5_rep_text(int rep)
{
	switch (rep) {
	case 0: return "succeeded";
	case 1: return "general SOCKS server failure";
	case 2: return "connection not allowed by ruleset";
	case 3: return "network unreachable";
	case 4: return "host unreachable";
	case 5: return "connection refused";
	case 6: return "TTL expired";
	case 7: return "command not supported";
	case 8: return "address type not supported";
	default: return "unknown reply code";
	}
}

int px_socks5_reply(const unsigned char *b, size_t n, struct px_reply *r)
{
	memset(r, 0, sizeof *r);
	if (short_of(n, 5, r))
		return PX_NEED;
	if (b[0] != 5) {
		r->consumed = n < 10 ? n : 10;
		fail(r, "not a SOCKS5 reply (version byte %d)", b[0]);
		return PX_FAIL;
	}
	size_t need;
	switch (b[3]) {
	case 1: need = 4 + 4 + 2; break;
	case 4: need = 4 + 16 + 2; break;
	case 3: need = 4 + 1 + (size_t)b[4] + 2; break;
	default:
		r->consumed = 5;
		r->code = b[1];
		if (b[1] != 0) {
			snprintf(r->msg, sizeof r->msg, "the server replied %d (%s)", b[1], px_socks5_rep_text(b[1]));
			return PX_FAIL;
		}
		fail(r, "malformed SOCKS5 reply (address type %d)", b[3]);
		return PX_FAIL;
	}
	if (short_of(n, need, r))
		return PX_NEED;
	r->consumed = need;
	r->code = b[1];
	r->atyp = b[3];
	if (b[3] == 3) {
		r->addrlen = b[4];
		memcpy(r->addr, b + 5, r->addrlen);
	} else {
		r->addrlen = b[3] == 1 ? 4 : 16;
		memcpy(r->addr, b + 4, r->addrlen);
	}
	r->port = (uint16_t)(b[need - 2] << 8 | b[need - 1]);
	if (b[1] != 0) {
		const char *hint = "";
		switch (b[1]) {
		case 2: hint = "; the proxy's rules forbid this target"; break;
		case 3: case 4: hint = "; the proxy cannot reach the target"; break;
		case 5: hint = "; nothing listens on the target port"; break;
		case 7: hint = "; this server does not support the command (BIND?)"; break;
		case 8: hint = "; try an IP address or a name instead"; break;
		}
		snprintf(r->msg, sizeof r->msg, "the server replied %d (%s)%s", b[1], px_socks5_rep_text(b[1]), hint);
		return PX_FAIL;
	}
	snprintf(r->msg, sizeof r->msg, "succeeded");
	return PX_OK;
}

void px_socks5_addr_text(const struct px_reply *r, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN + 2] = "?";
	if (r->atyp == 1 && r->addrlen == 4) {
		inet_ntop(AF_INET, r->addr, a, sizeof a);
		snprintf(buf, len, "%s:%u", a, r->port);
	} else if (r->atyp == 4 && r->addrlen == 16) {
		inet_ntop(AF_INET6, r->addr, a, sizeof a);
		snprintf(buf, len, "[%s]:%u", a, r->port);
	} else {
		char name[256];
		size_t k = 0;
		for (size_t i = 0; i < r->addrlen && k + 1 < sizeof name; i++)
			name[k++] = isprint(r->addr[i]) ? (char)r->addr[i] : '?';
		name[k] = 0;
		snprintf(buf, len, "%s:%u", name, r->port);
	}
}

/* ---- HTTP CONNECT ---- */

size_t px_base64(const unsigned char *in, size_t n, char *out, size_t cap)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t need = (n + 2) / 3 * 4 + 1;
	if (cap < need)
		return 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = tab[(v >> 18) & 63];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? tab[v & 63] : '=';
	}
	out[o] = 0;
	return o;
}

size_t px_http_request(char *out, size_t cap, const char *host, const char *port, const char *userpass,
		       const char *version)
{
	if (!version || !*version)
		version = "1.0";
	/* a bare IPv6 literal gets brackets */
	bool v6 = strchr(host, ':') && host[0] != '[';
	char hp[600];
	int k = snprintf(hp, sizeof hp, "%s%s%s:%s", v6 ? "[" : "", host, v6 ? "]" : "", port);
	if (k < 0 || (size_t)k >= sizeof hp)
		return 0;
	for (const char *p = hp; *p; p++)
		if (*p == '\r' || *p == '\n' || *p == ' ')
			return 0;
	size_t o = 0;
	k = snprintf(out, cap, "CONNECT %s HTTP/%s\r\n", hp, version);
	if (k < 0 || (size_t)k >= cap)
		return 0;
	o = (size_t)k;
	if (strcmp(version, "1.0") != 0) {
		k = snprintf(out + o, cap - o, "Host: %s\r\n", hp);
		if (k < 0 || (size_t)k >= cap - o)
			return 0;
		o += (size_t)k;
	}
	if (userpass) {
		char b64[1400];
		size_t ul = strlen(userpass);
		if (ul > 1000 || !px_base64((const unsigned char *)userpass, ul, b64, sizeof b64))
			return 0;
		k = snprintf(out + o, cap - o, "Proxy-Authorization: Basic %s\r\n", b64);
		if (k < 0 || (size_t)k >= cap - o)
			return 0;
		o += (size_t)k;
	}
	if (cap - o < 3)
		return 0;
	memcpy(out + o, "\r\n", 3);
	return o + 2;
}

/* Printable excerpt of s (first line) for messages. */
static void excerpt(const char *s, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 5 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r' || c == '\n')
			break;
		if (isprint(c)) {
			out[k++] = (char)c;
		} else {
			k += (size_t)snprintf(out + k, cap - k, "\\x%02x", c);
		}
	}
	out[k] = 0;
}

int px_http_reply(const char *b, size_t n, bool ignorecr, bool sent_auth, struct px_reply *r)
{
	memset(r, 0, sizeof *r);
	/* find the end of the header */
	size_t end = 0;
	for (size_t i = 0; i < n; i++) {
		if (b[i] != '\n')
			continue;
		if (i >= 3 && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
			end = i + 1;
			break;
		}
		if (ignorecr && i >= 1 && (b[i - 1] == '\n' || (i >= 2 && b[i - 1] == '\r' && b[i - 2] == '\n'))) {
			end = i + 1;
			break;
		}
	}
	/* reject garbage early: the reply must start like "HTTP/" */
	size_t pre = n < 5 ? n : 5;
	if (memcmp(b, "HTTP/", pre) != 0) {
		char ex[120];
		excerpt(b, n, ex, sizeof ex);
		r->consumed = n;
		snprintf(r->msg, sizeof r->msg, "not an HTTP proxy reply: \"%s\"; is this an HTTP proxy?", ex);
		return PX_FAIL;
	}
	if (!ignorecr) {
		/* every line must end with CRLF: say so at the first bare LF instead of waiting */
		size_t lim = end ? end : n;
		for (size_t i = 0; i < lim; i++)
			if (b[i] == '\n' && (i == 0 || b[i - 1] != '\r')) {
				r->consumed = lim;
				snprintf(r->msg, sizeof r->msg,
					 "the proxy's reply has a line ending in LF without CR; accept that with ignorecr");
				return PX_FAIL;
			}
	}
	if (!end) {
		if (n >= PX_HTTP_MAX) {
			r->consumed = n;
			snprintf(r->msg, sizeof r->msg, "the proxy's reply header exceeds %d bytes", PX_HTTP_MAX);
			return PX_FAIL;
		}
		r->need = 0;
		return PX_NEED;
	}
	r->consumed = end;
	/* status line: HTTP/x.y SP code [SP reason] */
	const char *p = b + 5;
	const char *e = b + end;
	while (p < e && (isdigit((unsigned char)*p) || *p == '.'))
		p++;
	if (p >= e || *p != ' ') {
		char ex[120];
		excerpt(b, end, ex, sizeof ex);
		snprintf(r->msg, sizeof r->msg, "malformed status line from the proxy: \"%s\"", ex);
		return PX_FAIL;
	}
	while (p < e && *p == ' ')
		p++;
	if (e - p < 3 || !isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2])) {
		char ex[120];
		excerpt(b, end, ex, sizeof ex);
		snprintf(r->msg, sizeof r->msg, "malformed status line from the proxy: \"%s\"", ex);
		return PX_FAIL;
	}
	r->code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	p += 3;
	while (p < e && *p == ' ')
		p++;
	char reason[120];
	excerpt(p, (size_t)(e - p), reason, sizeof reason);
	if (r->code >= 200 && r->code < 300) {
		snprintf(r->msg, sizeof r->msg, "%d %s", r->code, reason);
		return PX_OK;
	}
	const char *hint = "";
	if (r->code == 407)
		hint = sent_auth ? "; the proxy rejected the credentials (check proxyauth=USER:PASS)"
				 : "; the proxy requires authentication: give proxyauth=USER:PASS or proxy-authorization-file=FILE";
	else if (r->code == 403)
		hint = "; the proxy does not allow this target (or CONNECT to this port)";
	else if (r->code == 405 || r->code == 501)
		hint = "; this proxy does not support CONNECT";
	else if (r->code == 502 || r->code == 503 || r->code == 504)
		hint = "; the proxy could not reach the target";
	snprintf(r->msg, sizeof r->msg, "the proxy refused CONNECT: %d %s%s", r->code, reason, hint);
	return PX_FAIL;
}

/* ---- the server side (SOCKS-SERVER) ---- */

int px_socks5_greeting_parse(const unsigned char *b, size_t n, struct px_reply *r)
{
	memset(r, 0, sizeof *r);
	if (short_of(n, 2, r))
		return PX_NEED;
	if (b[0] != 5) {
		r->consumed = n;
		fail(r, "not a SOCKS5 greeting (version byte %d)", b[0]);
		return PX_FAIL;
	}
	if (b[1] == 0) {
		r->consumed = 2;
		fail(r, "SOCKS5 greeting offers no authentication method");
		return PX_FAIL;
	}
	size_t need = 2 + (size_t)b[1];
	if (short_of(n, need, r))
		return PX_NEED;
	r->consumed = need;
	for (size_t i = 2; i < need; i++) {
		if (b[i] == PX_SOCKS5_NOAUTH)
			r->code |= 1;
		else if (b[i] == PX_SOCKS5_USERPASS)
			r->code |= 2;
	}
	return PX_OK;
}

int px_socks5_request_parse(const unsigned char *b, size_t n, struct px_reply *r)
{
	memset(r, 0, sizeof *r);
	if (short_of(n, 5, r))
		return PX_NEED;
	r->code = b[1];
	if (b[0] != 5 || b[2] != 0) {
		r->consumed = n;
		fail(r, "malformed SOCKS5 request (version %d, reserved byte %d)", b[0], b[2]);
		r->atyp = -1; /* reply 1, general failure */
		return PX_FAIL;
	}
	size_t need;
	switch (b[3]) {
	case 1: need = 4 + 4 + 2; break;
	case 4: need = 4 + 16 + 2; break;
	case 3:
		if (b[4] == 0) {
			r->consumed = 5;
			r->atyp = -1;
			fail(r, "SOCKS5 request with an empty host name");
			return PX_FAIL;
		}
		need = 4 + 1 + (size_t)b[4] + 2;
		break;
	default:
		r->consumed = 4;
		r->atyp = -8; /* reply 8, address type not supported */
		fail(r, "SOCKS5 request with address type %d (1 IPv4, 3 name, 4 IPv6 expected)", b[3]);
		return PX_FAIL;
	}
	if (short_of(n, need, r))
		return PX_NEED;
	r->consumed = need;
	r->atyp = b[3];
	if (b[3] == 3) {
		r->addrlen = b[4];
		memcpy(r->addr, b + 5, r->addrlen);
		r->addr[r->addrlen] = 0;
		if (memchr(r->addr, 0, r->addrlen)) {
			r->atyp = -1;
			fail(r, "SOCKS5 request: a NUL byte in the host name");
			return PX_FAIL;
		}
	} else {
		r->addrlen = b[3] == 1 ? 4 : 16;
		memcpy(r->addr, b + 4, r->addrlen);
	}
	r->port = (uint16_t)(b[need - 2] << 8 | b[need - 1]);
	return PX_OK;
}

int px_socks4_request_parse(const unsigned char *b, size_t n, struct px_reply *r)
{
	memset(r, 0, sizeof *r);
	if (short_of(n, 9, r)) /* 8 bytes and at least the user id's NUL */
		return PX_NEED;
	if (b[0] != 4) {
		r->consumed = n;
		fail(r, "not a SOCKS4 request (version byte %d)", b[0]);
		return PX_FAIL;
	}
	r->code = b[1];
	r->port = (uint16_t)(b[2] << 8 | b[3]);
	const unsigned char *nul = memchr(b + 8, 0, n - 8);
	if (!nul) {
		if (n - 8 > 255) {
			r->consumed = n;
			fail(r, "SOCKS4 user id longer than 255 bytes");
			return PX_FAIL;
		}
		r->need = n + 1;
		return PX_NEED;
	}
	size_t end = (size_t)(nul - b) + 1;
	bool is4a = b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] != 0;
	if (!is4a) {
		r->consumed = end;
		r->atyp = 1;
		r->addrlen = 4;
		memcpy(r->addr, b + 4, 4);
		return PX_OK;
	}
	const unsigned char *hn = memchr(b + end, 0, n - end);
	if (!hn) {
		if (n - end > 255) {
			r->consumed = n;
			fail(r, "SOCKS4A host name longer than 255 bytes");
			return PX_FAIL;
		}
		r->need = n + 1;
		return PX_NEED;
	}
	size_t hl = (size_t)(hn - (b + end));
	if (hl > 255) {
		r->consumed = n;
		fail(r, "SOCKS4A host name longer than 255 bytes");
		return PX_FAIL;
	}
	if (hl == 0) {
		r->consumed = end + 1;
		fail(r, "SOCKS4A request with an empty host name");
		return PX_FAIL;
	}
	r->consumed = end + hl + 1;
	r->atyp = 3;
	r->addrlen = hl;
	memcpy(r->addr, b + end, hl);
	r->addr[hl] = 0;
	return PX_OK;
}

size_t px_socks5_server_reply(unsigned char *out, size_t cap, int rep, int atyp, const unsigned char *addr,
			      uint16_t port)
{
	size_t alen = atyp == 4 ? 16 : 4;
	if (cap < 4 + alen + 2)
		return 0;
	out[0] = 5;
	out[1] = (unsigned char)rep;
	out[2] = 0;
	out[3] = atyp == 4 ? 4 : 1;
	if (addr && (atyp == 1 || atyp == 4))
		memcpy(out + 4, addr, alen);
	else
		memset(out + 4, 0, alen);
	out[4 + alen] = (unsigned char)(port >> 8);
	out[5 + alen] = (unsigned char)(port & 0xff);
	return 4 + alen + 2;
}

size_t px_socks4_server_reply(unsigned char *out, size_t cap, int cd, uint16_t port, const unsigned char ip[4])
{
	if (cap < 8)
		return 0;
	out[0] = 0;
	out[1] = (unsigned char)cd;
	out[2] = (unsigned char)(port >> 8);
	out[3] = (unsigned char)(port & 0xff);
	if (ip)
		memcpy(out + 4, ip, 4);
	else
		memset(out + 4, 0, 4);
	return 8;
}

/* ---- HTTP-PROXY-SERVER: the client's request head ---- */

size_t px_http_head_end(const char *b, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (b[i] != '\n')
			continue;
		if (b[i - 1] == '\n')
			return i + 1;
		if (i >= 3 && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r')
			return i + 1;
		if (i >= 2 && b[i - 1] == '\r' && b[i - 2] == '\n')
			return i + 1;
	}
	return 0;
}

/* host[:port] or [v6][:port] into r */
static bool split_authority(const char *a, size_t len, unsigned default_port, struct px_http_req *r)
{
	const char *end = a + len, *hs = a, *he, *colon = NULL;
	if (len == 0)
		return false;
	if (*a == '[') {
		const char *rb = memchr(a, ']', len);
		if (!rb || rb == a + 1)
			return false;
		hs = a + 1;
		he = rb;
		if (rb + 1 < end) {
			if (rb[1] != ':')
				return false;
			colon = rb + 1;
		}
	} else {
		colon = memchr(a, ':', len);
		he = colon ? colon : end;
	}
	size_t hl = (size_t)(he - hs);
	if (hl == 0 || hl >= sizeof r->host)
		return false;
	for (const char *p = hs; p < he; p++)
		if (*p <= ' ' || *p == '/' || *p == '@' || *p == '?' || *p == '#' || (unsigned char)*p >= 0x7f)
			return false;
	memcpy(r->host, hs, hl);
	r->host[hl] = 0;
	r->port = default_port;
	if (colon) {
		const char *p = colon + 1;
		if (p >= end || end - p > 5)
			return false;
		unsigned v = 0;
		for (; p < end; p++) {
			if (*p < '0' || *p > '9')
				return false;
			v = v * 10 + (unsigned)(*p - '0');
		}
		if (v == 0 || v > 65535)
			return false;
		r->port = v;
	}
	return true;
}

int px_http_request_parse(const char *b, size_t n, struct px_http_req *r)
{
	memset(r, 0, sizeof *r);
	size_t end = px_http_head_end(b, n);
	if (!end) {
		if (n >= PX_HTTP_MAX) {
			r->status = 400;
			snprintf(r->msg, sizeof r->msg, "request head longer than %d bytes", PX_HTTP_MAX);
			return PX_FAIL;
		}
		return PX_NEED;
	}
	if (end > PX_HTTP_MAX) {
		r->status = 400;
		snprintf(r->msg, sizeof r->msg, "request head longer than %d bytes", PX_HTTP_MAX);
		return PX_FAIL;
	}
	r->head_len = end;
	r->status = 400;
	const char *nl = memchr(b, '\n', end);
	size_t ll = (size_t)(nl - b);
	if (ll && b[ll - 1] == '\r')
		ll--;
	r->line_len = (size_t)(nl - b) + 1;
	/* METHOD SP target SP HTTP/1.x */
	const char *sp1 = memchr(b, ' ', ll);
	const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', ll - (size_t)(sp1 + 1 - b)) : NULL;
	if (!sp1 || !sp2 || sp1 == b || sp2 == sp1 + 1 || (size_t)(sp1 - b) >= sizeof r->method) {
		snprintf(r->msg, sizeof r->msg, "malformed request line (METHOD target HTTP/1.x expected)");
		return PX_FAIL;
	}
	const char *ver = sp2 + 1;
	size_t vl = ll - (size_t)(ver - b);
	if (vl != 8 || memcmp(ver, "HTTP/1.", 7) || (ver[7] != '0' && ver[7] != '1')) {
		snprintf(r->msg, sizeof r->msg, "malformed request line (HTTP/1.0 or HTTP/1.1 expected)");
		return PX_FAIL;
	}
	r->minor = ver[7] - '0';
	memcpy(r->method, b, (size_t)(sp1 - b));
	r->method[sp1 - b] = 0;
	for (const char *p = r->method; *p; p++)
		if (*p < 'A' || *p > 'Z') {
			snprintf(r->msg, sizeof r->msg, "malformed request line (method in capitals expected)");
			return PX_FAIL;
		}
	const char *t = sp1 + 1;
	size_t tl = (size_t)(sp2 - t);
	if (!strcmp(r->method, "CONNECT")) {
		r->connect = true;
		if (!split_authority(t, tl, 0, r) || r->port == 0) {
			snprintf(r->msg, sizeof r->msg, "CONNECT needs host:port");
			return PX_FAIL;
		}
		return PX_OK;
	}
	if (tl < 8 || strncasecmp(t, "http://", 7)) {
		snprintf(r->msg, sizeof r->msg, "%s",
			 tl && t[0] == '/' ? "a proxy needs an absolute URI (http://host/path) or CONNECT"
					   : "only http:// URIs are forwarded (use CONNECT for https)");
		return PX_FAIL;
	}
	const char *auth = t + 7, *tend = t + tl;
	const char *slash = memchr(auth, '/', (size_t)(tend - auth));
	const char *aend = slash ? slash : tend;
	const char *q = memchr(auth, '?', (size_t)(aend - auth));
	if (q)
		aend = q;
	if (!split_authority(auth, (size_t)(aend - auth), 80, r)) {
		snprintf(r->msg, sizeof r->msg, "bad host in the URI");
		return PX_FAIL;
	}
	r->path_off = (size_t)(aend - b);
	r->path_len = (size_t)(tend - aend);
	return PX_OK;
}

/* Headers a proxy consumes or replaces (hop-by-hop). */
static bool hop_header(const char *h, size_t len)
{
	static const char *const names[] = { "connection", "proxy-connection", "keep-alive", "proxy-authorization", "te",
					     "trailer", "upgrade" };
	const char *colon = memchr(h, ':', len);
	if (!colon)
		return false;
	size_t nl = (size_t)(colon - h);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == nl && !strncasecmp(h, names[i], nl))
			return true;
	return false;
}

size_t px_http_forward_head(const char *b, const struct px_http_req *r, char *out, size_t cap)
{
	size_t k = 0;
	const char *path = r->path_len ? b + r->path_off : "/";
	size_t pl = r->path_len ? r->path_len : 1;
	int w = snprintf(out, cap, "%s %s%.*s HTTP/1.%d\r\n", r->method, path[0] == '?' ? "/" : "", (int)pl, path,
			 r->minor);
	if (w < 0 || (size_t)w >= cap)
		return 0;
	k = (size_t)w;
	size_t i = r->line_len;
	while (i < r->head_len) {
		const char *ls = b + i;
		const char *nl = memchr(ls, '\n', r->head_len - i);
		size_t len = (size_t)(nl - ls);
		size_t next = i + len + 1;
		if (len && ls[len - 1] == '\r')
			len--;
		if (len == 0)
			break;
		if (!hop_header(ls, len)) {
			if (k + len + 2 > cap)
				return 0;
			memcpy(out + k, ls, len);
			k += len;
			out[k++] = '\r';
			out[k++] = '\n';
		}
		i = next;
	}
	static const char tail[] = "Connection: close\r\n\r\n";
	if (k + sizeof tail > cap)
		return 0;
	memcpy(out + k, tail, sizeof tail - 1);
	k += sizeof tail - 1;
	return k;
}

size_t px_http_status(char *out, size_t cap, int status, const char *why)
{
	const char *text = status == 200 ? "Connection established" : status == 400 ? "Bad Request" :
			   status == 403 ? "Forbidden" : status == 407 ? "Proxy Authentication Required" :
			   status == 502 ? "Bad Gateway" : status == 504 ? "Gateway Timeout" : "Error";
	int w;
	if (status == 200)
		w = snprintf(out, cap, "HTTP/1.1 200 %s\r\n\r\n", text);
	else if (status == 407)
		w = snprintf(out, cap,
			     "HTTP/1.1 407 %s\r\nProxy-Authenticate: Basic realm=\"duct\"\r\nContent-Type: text/plain\r\n"
			     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
			     text, strlen(why) + 1, why);
	else
		w = snprintf(out, cap,
			     "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
			     status, text, strlen(why) + 1, why);
	return w < 0 || (size_t)w >= cap ? 0 : (size_t)w;
}

int px_socks5_auth_parse(const unsigned char *b, size_t n, char user[256], char pass[256], struct px_reply *r)
{
	memset(r, 0, sizeof *r);
	if (short_of(n, 2, r))
		return PX_NEED;
	if (b[0] != 1) {
		r->consumed = n;
		fail(r, "not a username/password request (version %d, 1 expected)", b[0]);
		return PX_FAIL;
	}
	size_t ul = b[1];
	if (short_of(n, 3 + ul, r))
		return PX_NEED;
	size_t pl = b[2 + ul];
	if (short_of(n, 3 + ul + pl, r))
		return PX_NEED;
	r->consumed = 3 + ul + pl;
	memcpy(user, b + 2, ul);
	user[ul] = 0;
	memcpy(pass, b + 3 + ul, pl);
	pass[pl] = 0;
	return PX_OK;
}

bool px_http_header(const char *b, const struct px_http_req *r, const char *name, const char **val, size_t *vlen)
{
	size_t nl = strlen(name), i = r->line_len;
	while (i < r->head_len) {
		const char *ls = b + i;
		const char *e = memchr(ls, '\n', r->head_len - i);
		if (!e)
			break;
		size_t len = (size_t)(e - ls);
		i += len + 1;
		if (len && ls[len - 1] == '\r')
			len--;
		if (len > nl && ls[nl] == ':' && !strncasecmp(ls, name, nl)) {
			const char *v = ls + nl + 1, *ve = ls + len;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			*val = v;
			*vlen = (size_t)(ve - v);
			return true;
		}
	}
	return false;
}
