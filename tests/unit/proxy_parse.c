/* Unit tests for the proxy dialog builders and parsers (src/xio/proxy_parse.c). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "xio/proxy_parse.h"

static int feed_http(const char *s, bool ignorecr, bool auth, struct px_reply *r)
{
	return px_http_reply(s, strlen(s), ignorecr, auth, r);
}

int main(void)
{
	unsigned char b[600];
	struct px_reply r;
	size_t n;

	/* ---- SOCKS4 ---- */
	const unsigned char ip[4] = { 10, 1, 2, 3 };
	n = px_socks4_request(b, sizeof b, 8080, ip, "bob", NULL);
	tap_is_int(n, 12, "socks4 request length");
	tap_ok(b[0] == 4 && b[1] == 1 && b[2] == 0x1f && b[3] == 0x90 && !memcmp(b + 4, ip, 4) && !memcmp(b + 8, "bob", 4),
	       "socks4 request bytes");
	n = px_socks4_request(b, sizeof b, 22, ip, "", "example.org");
	tap_is_int(n, 9 + 12, "socks4a request length");
	tap_ok(b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 1 && b[8] == 0 && !memcmp(b + 9, "example.org", 12),
	       "socks4a request: 0.0.0.1, empty user, host");
	char longname[300];
	memset(longname, 'a', 299);
	longname[299] = 0;
	tap_is_int(px_socks4_request(b, sizeof b, 1, ip, longname, NULL), 0, "socks4 user too long");
	tap_is_int(px_socks4_request(b, 10, 1, ip, "user", NULL), 0, "socks4 buffer too small");

	const unsigned char s4ok[8] = { 0, 90, 0, 0, 0, 0, 0, 0 };
	tap_is_int(px_socks4_reply(s4ok, 3, &r), PX_NEED, "socks4 reply partial");
	tap_is_int(r.need, 8, "socks4 reply needs 8");
	tap_is_int(px_socks4_reply(s4ok, 8, &r), PX_OK, "socks4 granted");
	tap_is_int(r.consumed, 8, "socks4 consumed 8");
	const unsigned char s4no[8] = { 0, 91, 0, 0, 0, 0, 0, 0 };
	tap_is_int(px_socks4_reply(s4no, 8, &r), PX_FAIL, "socks4 rejected");
	tap_ok(strstr(r.msg, "91") != NULL, "socks4 rejection names the code: %s", r.msg);
	const unsigned char s4id[8] = { 0, 93, 0, 0, 0, 0, 0, 0 };
	px_socks4_reply(s4id, 8, &r);
	tap_ok(strstr(r.msg, "socksuser") != NULL, "socks4 identd mismatch hints socksuser");
	const unsigned char s4bad[8] = { 5, 0, 0, 0, 0, 0, 0, 0 };
	tap_is_int(px_socks4_reply(s4bad, 8, &r), PX_FAIL, "socks4: a SOCKS5 server's reply is refused");

	/* ---- SOCKS5 ---- */
	n = px_socks5_greeting(b, sizeof b, false);
	tap_ok(n == 3 && b[0] == 5 && b[1] == 1 && b[2] == 0, "socks5 greeting no auth");
	n = px_socks5_greeting(b, sizeof b, true);
	tap_ok(n == 4 && b[1] == 2 && b[3] == 2, "socks5 greeting offers user/pass");
	const unsigned char m0[2] = { 5, 0 }, m2[2] = { 5, 2 }, mff[2] = { 5, 0xff };
	tap_is_int(px_socks5_method(m0, 1, false, &r), PX_NEED, "method partial");
	tap_is_int(px_socks5_method(m0, 2, false, &r), PX_OK, "method no auth");
	tap_is_int(px_socks5_method(m2, 2, true, &r), PX_OK, "method user/pass when offered");
	tap_is_int(r.code, 2, "method code 2");
	tap_is_int(px_socks5_method(m2, 2, false, &r), PX_FAIL, "method user/pass when not offered");
	tap_is_int(px_socks5_method(mff, 2, false, &r), PX_FAIL, "method none acceptable");
	tap_ok(strstr(r.msg, "socksuser") != NULL, "no acceptable method hints at socksuser: %s", r.msg);
	n = px_socks5_auth_request(b, sizeof b, "u", "pw");
	tap_ok(n == 6 && b[0] == 1 && b[1] == 1 && b[2] == 'u' && b[3] == 2 && !memcmp(b + 4, "pw", 2), "auth request");
	const unsigned char a0[2] = { 1, 0 }, a1[2] = { 1, 1 };
	tap_is_int(px_socks5_auth_reply(a0, 2, &r), PX_OK, "auth ok");
	tap_is_int(px_socks5_auth_reply(a1, 2, &r), PX_FAIL, "auth refused");

	n = px_socks5_request(b, sizeof b, PX_SOCKS5_CONNECT, "127.0.0.1", 80);
	tap_ok(n == 10 && b[3] == 1 && b[4] == 127 && b[7] == 1 && b[8] == 0 && b[9] == 80, "socks5 request IPv4");
	n = px_socks5_request(b, sizeof b, PX_SOCKS5_CONNECT, "[::1]", 443);
	tap_ok(n == 22 && b[3] == 4 && b[19] == 1 && b[20] == 1 && b[21] == 0xbb, "socks5 request IPv6 in brackets");
	n = px_socks5_request(b, sizeof b, PX_SOCKS5_BIND, "example.org", 22);
	tap_ok(n == 5 + 11 + 2 && b[1] == 2 && b[3] == 3 && b[4] == 11 && !memcmp(b + 5, "example.org", 11),
	       "socks5 BIND request with a name");
	tap_is_int(px_socks5_request(b, sizeof b, 1, "", 22), 0, "socks5 empty host refused");

	const unsigned char r4[10] = { 5, 0, 0, 1, 192, 168, 1, 2, 0x1f, 0x90 };
	tap_is_int(px_socks5_reply(r4, 4, &r), PX_NEED, "reply partial (4)");
	tap_is_int(px_socks5_reply(r4, 5, &r), PX_NEED, "reply partial (5) knows its length");
	tap_is_int(r.need, 10, "reply needs 10 for IPv4");
	tap_is_int(px_socks5_reply(r4, 10, &r), PX_OK, "reply IPv4 ok");
	char t[300];
	px_socks5_addr_text(&r, t, sizeof t);
	tap_is_str(t, "192.168.1.2:8080", "bound address text");
	const unsigned char rd[] = { 5, 0, 0, 3, 4, 'h', 'o', 's', 't', 0, 22 };
	tap_is_int(px_socks5_reply(rd, 7, &r), PX_NEED, "domain reply partial");
	tap_is_int(r.need, sizeof rd, "domain reply length");
	tap_is_int(px_socks5_reply(rd, sizeof rd, &r), PX_OK, "domain reply");
	px_socks5_addr_text(&r, t, sizeof t);
	tap_is_str(t, "host:22", "domain address text");
	unsigned char r6[22] = { 5, 0, 0, 4 };
	r6[19] = 1;
	r6[21] = 80;
	tap_is_int(px_socks5_reply(r6, 22, &r), PX_OK, "IPv6 reply");
	px_socks5_addr_text(&r, t, sizeof t);
	tap_is_str(t, "[::1]:80", "IPv6 address text");
	const unsigned char rref[10] = { 5, 5, 0, 1, 0, 0, 0, 0, 0, 0 };
	tap_is_int(px_socks5_reply(rref, 10, &r), PX_FAIL, "connection refused reply");
	tap_ok(strstr(r.msg, "5 (connection refused)") != NULL, "refusal names code and meaning: %s", r.msg);
	const unsigned char rbad[10] = { 4, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
	tap_is_int(px_socks5_reply(rbad, 10, &r), PX_FAIL, "wrong version");
	const unsigned char ratyp[6] = { 5, 0, 0, 9, 0, 0 };
	tap_is_int(px_socks5_reply(ratyp, 6, &r), PX_FAIL, "bad address type");
	tap_is_str(px_socks5_rep_text(7), "command not supported", "rep text 7");

	/* ---- HTTP ---- */
	char req[1024];
	n = px_http_request(req, sizeof req, "example.org", "443", NULL, NULL);
	tap_is_str(req, "CONNECT example.org:443 HTTP/1.0\r\n\r\n", "CONNECT request 1.0");
	tap_is_int(n, strlen(req), "request length");
	px_http_request(req, sizeof req, "::1", "22", "user:pass", "1.1");
	tap_is_str(req, "CONNECT [::1]:22 HTTP/1.1\r\nHost: [::1]:22\r\nProxy-Authorization: Basic dXNlcjpwYXNz\r\n\r\n",
		   "CONNECT request 1.1 with IPv6 and auth");
	tap_is_int(px_http_request(req, sizeof req, "a b", "1", NULL, NULL), 0, "blank in target refused");
	tap_is_int(px_http_request(req, 10, "example.org", "1", NULL, NULL), 0, "too small buffer");
	char b64[16];
	px_base64((const unsigned char *)"ab", 2, b64, sizeof b64);
	tap_is_str(b64, "YWI=", "base64 padding 1");
	px_base64((const unsigned char *)"a", 1, b64, sizeof b64);
	tap_is_str(b64, "YQ==", "base64 padding 2");

	tap_is_int(feed_http("HTTP/1.0 200 Connection established\r\n\r\nSSH-2.0", false, false, &r), PX_OK, "200 ok");
	tap_is_int(r.consumed, strlen("HTTP/1.0 200 Connection established\r\n\r\n"), "200: consumed is the header only");
	tap_is_int(r.code, 200, "status 200");
	tap_is_int(feed_http("HTTP/1.1 200 OK\r\nVia: x\r\n", false, false, &r), PX_NEED, "incomplete header");
	tap_is_int(feed_http("HTT", false, false, &r), PX_NEED, "partial status line");
	tap_is_int(feed_http("SSH-2.0-OpenSSH\r\n", false, false, &r), PX_FAIL, "not HTTP");
	tap_ok(strstr(r.msg, "SSH-2.0-OpenSSH") != NULL, "garbage quoted: %s", r.msg);
	tap_is_int(feed_http("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n", false, false, &r),
		   PX_FAIL, "407");
	tap_ok(strstr(r.msg, "407 Proxy Authentication Required") && strstr(r.msg, "proxyauth="),
	       "407 message names status and option: %s", r.msg);
	feed_http("HTTP/1.1 407 Denied\r\n\r\n", false, true, &r);
	tap_ok(strstr(r.msg, "rejected the credentials") != NULL, "407 with credentials sent: %s", r.msg);
	tap_is_int(feed_http("HTTP/1.1 403 Forbidden\r\n\r\n", false, false, &r), PX_FAIL, "403");
	tap_is_int(r.code, 403, "status 403");
	tap_is_int(feed_http("HTTP/1.0 200 OK\n", false, false, &r), PX_FAIL, "bare LF without ignorecr: fails at once");
	tap_is_int(feed_http("HTTP/1.0 200 OK\n\nxyz", true, false, &r), PX_OK, "bare LF with ignorecr");
	tap_is_int(r.consumed, 17, "ignorecr consumed");
	tap_is_int(feed_http("HTTP/1.0 200 OK\nA: b\r\n\r\n", false, false, &r), PX_FAIL, "mixed line ends refused");
	tap_ok(strstr(r.msg, "ignorecr") != NULL, "mixed line ends hint ignorecr");
	tap_is_int(feed_http("HTTP/1.0 2x0 OK\r\n\r\n", false, false, &r), PX_FAIL, "bad status code");
	tap_is_int(feed_http("HTTP/1.0200 OK\r\n\r\n", false, false, &r), PX_FAIL, "no blank after version");
	static char big[PX_HTTP_MAX + 10];
	memset(big, 'x', sizeof big - 1);
	memcpy(big, "HTTP/1.0 200 OK\r\nX: ", 20);
	tap_is_int(px_http_reply(big, sizeof big - 1, false, false, &r), PX_FAIL, "oversized header refused");

	/* ---- the server side (SOCKS-SERVER) ---- */
	const unsigned char g1[] = { 5, 2, 2, 0 };
	tap_is_int(px_socks5_greeting_parse(g1, 1, &r), PX_NEED, "server: greeting partial");
	tap_is_int(r.need, 2, "server: greeting needs 2 first");
	tap_is_int(px_socks5_greeting_parse(g1, 3, &r), PX_NEED, "server: greeting needs its methods");
	tap_is_int(r.need, 4, "server: ... 2 + nmethods");
	tap_is_int(px_socks5_greeting_parse(g1, 4, &r), PX_OK, "server: greeting complete");
	tap_ok(r.code == 3 && r.consumed == 4, "server: no-auth and user/pass offered, 4 bytes");
	const unsigned char g0[] = { 5, 0 }, g4[] = { 4, 1 };
	tap_is_int(px_socks5_greeting_parse(g0, 2, &r), PX_FAIL, "server: greeting without methods refused");
	tap_is_int(px_socks5_greeting_parse(g4, 2, &r), PX_FAIL, "server: version 4 in a SOCKS5 greeting refused");

	const unsigned char q4[] = { 5, 1, 0, 1, 10, 0, 0, 7, 0x1f, 0x90 };
	tap_is_int(px_socks5_request_parse(q4, 4, &r), PX_NEED, "server: request partial");
	tap_is_int(px_socks5_request_parse(q4, 9, &r), PX_NEED, "server: request one byte short");
	tap_is_int(r.need, 10, "server: IPv4 request is 10 bytes");
	tap_is_int(px_socks5_request_parse(q4, 10, &r), PX_OK, "server: IPv4 CONNECT");
	tap_ok(r.code == 1 && r.atyp == 1 && r.port == 8080 && r.addr[0] == 10 && r.addr[3] == 7, "server: ... target 10.0.0.7:8080");
	const unsigned char qn[] = { 5, 1, 0, 3, 4, 'h', 'o', 's', 't', 0, 80 };
	tap_is_int(px_socks5_request_parse(qn, sizeof qn, &r), PX_OK, "server: name CONNECT");
	tap_is_str((const char *)r.addr, "host", "server: ... the name, NUL-terminated");
	const unsigned char q6[22] = { 5, 1, 0, 4, [19] = 1, [20] = 0, [21] = 22 };
	tap_is_int(px_socks5_request_parse(q6, sizeof q6, &r), PX_OK, "server: IPv6 CONNECT");
	tap_ok(r.atyp == 4 && r.addrlen == 16 && r.addr[15] == 1 && r.port == 22, "server: ... [::1]:22");
	const unsigned char qa[] = { 5, 1, 0, 9, 0, 0 };
	tap_is_int(px_socks5_request_parse(qa, sizeof qa, &r), PX_FAIL, "server: address type 9 refused");
	tap_is_int(r.atyp, -8, "server: ... with reply 8");
	const unsigned char qe[] = { 5, 1, 0, 3, 0, 0, 80 };
	tap_is_int(px_socks5_request_parse(qe, sizeof qe, &r), PX_FAIL, "server: empty name refused");
	const unsigned char qz[] = { 5, 1, 0, 3, 3, 'a', 0, 'b', 0, 80 };
	tap_is_int(px_socks5_request_parse(qz, sizeof qz, &r), PX_FAIL, "server: a NUL inside the name refused");
	const unsigned char qr[] = { 5, 1, 7, 1, 1, 2, 3, 4, 0, 80 };
	tap_is_int(px_socks5_request_parse(qr, sizeof qr, &r), PX_FAIL, "server: nonzero reserved byte refused");

	const unsigned char s4[] = { 4, 1, 0, 80, 192, 0, 2, 1, 'b', 'o', 'b', 0, 'x' };
	tap_is_int(px_socks4_request_parse(s4, 8, &r), PX_NEED, "server: SOCKS4 partial");
	tap_is_int(px_socks4_request_parse(s4, 11, &r), PX_NEED, "server: SOCKS4 user id without its NUL");
	tap_is_int(r.need, 12, "server: ... one more byte at a time");
	tap_is_int(px_socks4_request_parse(s4, 13, &r), PX_OK, "server: SOCKS4 CONNECT");
	tap_ok(r.consumed == 12 && r.atyp == 1 && r.port == 80 && r.addr[0] == 192, "server: ... stops at the NUL, not the data");
	const unsigned char s4a[] = { 4, 1, 0, 80, 0, 0, 0, 9, 0, 'e', 'x', '.', 'o', 'r', 'g', 0 };
	tap_is_int(px_socks4_request_parse(s4a, sizeof s4a - 1, &r), PX_NEED, "server: SOCKS4A name without its NUL");
	tap_is_int(px_socks4_request_parse(s4a, sizeof s4a, &r), PX_OK, "server: SOCKS4A CONNECT");
	tap_ok(r.atyp == 3 && !strcmp((const char *)r.addr, "ex.org") && r.consumed == sizeof s4a, "server: ... the name");
	unsigned char lu[8 + 300];
	memcpy(lu, s4, 8);
	memset(lu + 8, 'u', 300);
	tap_is_int(px_socks4_request_parse(lu, sizeof lu, &r), PX_FAIL, "server: SOCKS4 user id over 255 refused");

	n = px_socks5_server_reply(b, sizeof b, 5, 1, NULL, 0);
	tap_ok(n == 10 && b[0] == 5 && b[1] == 5 && b[3] == 1, "server: SOCKS5 reply 5, IPv4 zeros");
	n = px_socks5_server_reply(b, sizeof b, 0, 4, q6 + 4, 1080);
	tap_ok(n == 22 && b[3] == 4 && b[20] == 4 && b[21] == 0x38, "server: SOCKS5 reply with an IPv6 bound address");
	n = px_socks4_server_reply(b, sizeof b, 90, 80, ip);
	tap_ok(n == 8 && b[0] == 0 && b[1] == 90 && b[3] == 80 && b[4] == 10, "server: SOCKS4 reply 90");
	tap_is_int(px_socks4_server_reply(b, 7, 90, 80, ip), 0, "server: SOCKS4 reply into a short buffer");

	/* ---- HTTP-PROXY-SERVER: request heads ---- */
	struct px_http_req q;
	const char *get = "GET http://example.org:8080/a?b=c HTTP/1.1\r\nHost: example.org\r\nProxy-Connection: keep-alive\r\n"
			  "Accept: */*\r\nProxy-Authorization: Basic eA==\r\n\r\nBODY";
	tap_is_int(px_http_request_parse(get, 20, &q), PX_NEED, "http: a partial head needs more");
	tap_is_int(px_http_request_parse(get, strlen(get), &q), PX_OK, "http: absolute-form GET");
	tap_ok(!q.connect && !strcmp(q.host, "example.org") && q.port == 8080 && q.minor == 1, "http: ... host, port, version");
	tap_is_int(q.head_len, strlen(get) - 4, "http: the head ends at its empty line, before the body");
	char fw[600];
	n = px_http_forward_head(get, &q, fw, sizeof fw);
	fw[n] = 0;
	tap_is_str(fw, "GET /a?b=c HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\nConnection: close\r\n\r\n",
		   "http: forwarded in origin form, hop-by-hop headers dropped, Connection: close");
	tap_is_int(px_http_forward_head(get, &q, fw, 20), 0, "http: forwarding into a short buffer: 0");
	const char *g2 = "GET http://h HTTP/1.0\n\n";
	tap_is_int(px_http_request_parse(g2, strlen(g2), &q), PX_OK, "http: bare LF lines, no path");
	n = px_http_forward_head(g2, &q, fw, sizeof fw);
	fw[n] = 0;
	tap_is_str(fw, "GET / HTTP/1.0\r\nConnection: close\r\n\r\n", "http: ... forwarded as GET /, port 80");
	tap_is_int(q.port, 80, "http: default port 80");
	const char *g3 = "GET http://h?x=1 HTTP/1.1\r\n\r\n";
	px_http_request_parse(g3, strlen(g3), &q);
	n = px_http_forward_head(g3, &q, fw, sizeof fw);
	fw[n] = 0;
	tap_is_str(fw, "GET /?x=1 HTTP/1.1\r\nConnection: close\r\n\r\n", "http: a query without a path gets its /");
	const char *c1 = "CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: x\r\n\r\n";
	tap_is_int(px_http_request_parse(c1, strlen(c1), &q), PX_OK, "http: CONNECT to [IPv6]:port");
	tap_ok(q.connect && !strcmp(q.host, "2001:db8::1") && q.port == 443, "http: ... host without brackets");
	static const char *const badh[] = {
		"CONNECT host HTTP/1.1\r\n\r\n", "CONNECT host:0 HTTP/1.1\r\n\r\n", "CONNECT host:99999 HTTP/1.1\r\n\r\n",
		"GET /local HTTP/1.1\r\n\r\n", "GET https://h/ HTTP/1.1\r\n\r\n", "GET http://h/ HTTP/2.0\r\n\r\n",
		"GET http://h/\r\n\r\n", "get http://h/ HTTP/1.1\r\n\r\n", "GET http://h@evil/ HTTP/1.1\r\n\r\n",
		"GET http://[::1/ HTTP/1.1\r\n\r\n", "GET  http://h/ HTTP/1.1\r\n\r\n", "\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof badh / sizeof badh[0]; i++) {
		int rc = px_http_request_parse(badh[i], strlen(badh[i]), &q);
		tap_ok(rc == PX_FAIL && q.status == 400 && q.msg[0], "http: 400 for %.*s (%s)", (int)strcspn(badh[i], "\r"),
		       badh[i], q.msg);
	}
	static char bigh[PX_HTTP_MAX + 10];
	memset(bigh, 'a', sizeof bigh);
	memcpy(bigh, "GET http://h/", 13);
	tap_is_int(px_http_request_parse(bigh, sizeof bigh, &q), PX_FAIL, "http: a 16 KiB head without its end: 400");
	tap_ok(strstr(q.msg, "16384") != NULL, "http: ... saying the limit");
	char st[300];
	n = px_http_status(st, sizeof st, 502, "connect: Connection refused");
	st[n] = 0;
	tap_is_str(st, "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: 28\r\nConnection: close\r\n\r\n"
		       "connect: Connection refused\n", "http: 502 with a one-line body");
	n = px_http_status(st, sizeof st, 200, "");
	st[n] = 0;
	tap_is_str(st, "HTTP/1.1 200 Connection established\r\n\r\n", "http: the CONNECT answer");

	/* ---- logins (proxy-users) ---- */
	char un[256], pw[256];
	const unsigned char au[] = { 1, 5, 'a', 'l', 'i', 'c', 'e', 3, 'p', 'w', 'd' };
	tap_is_int(px_socks5_auth_parse(au, 6, un, pw, &r), PX_NEED, "auth: partial user name");
	tap_is_int(px_socks5_auth_parse(au, 8, un, pw, &r), PX_NEED, "auth: partial password");
	tap_is_int(r.need, 11, "auth: ... needs 11");
	tap_is_int(px_socks5_auth_parse(au, sizeof au, un, pw, &r), PX_OK, "auth: complete");
	tap_ok(!strcmp(un, "alice") && !strcmp(pw, "pwd") && r.consumed == 11, "auth: user and password");
	const unsigned char au0[] = { 5, 1 };
	tap_is_int(px_socks5_auth_parse(au0, 2, un, pw, &r), PX_FAIL, "auth: version 5 refused");
	const char *ph = "GET http://h/ HTTP/1.1\r\nHost: h\r\nproxy-authorization:  Basic YTpi  \r\n\r\n";
	px_http_request_parse(ph, strlen(ph), &q);
	const char *hv;
	size_t hvl;
	tap_ok(px_http_header(ph, &q, "Proxy-Authorization", &hv, &hvl) && hvl == 10 && !strncmp(hv, "Basic YTpi", 10),
	       "http: header found case-insensitively, blanks trimmed");
	tap_ok(!px_http_header(ph, &q, "Cookie", &hv, &hvl), "http: an absent header");
	n = px_http_status(st, sizeof st, 407, "x");
	st[n] = 0;
	tap_ok(strstr(st, "\r\nProxy-Authenticate: Basic realm=\"duct\"\r\n") != NULL, "http: 407 carries Proxy-Authenticate");
	return tap_done();
}
