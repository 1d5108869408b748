/* Proxy dialogs as pure code: request builders and incremental reply parsers for SOCKS4/4A,
 * SOCKS5 (method choice, username/password, CONNECT/BIND replies) and HTTP CONNECT.
 * No I/O: the callers (socks.c, http_proxy.c) read exactly what the parsers ask for, so no
 * byte of the tunnel is ever consumed with the reply. Unit tested and fuzzed. */
#ifndef DUCT_XIO_PROXY_PARSE_H
#define DUCT_XIO_PROXY_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum px_rc { PX_FAIL = -1, PX_NEED = 0, PX_OK = 1 };

struct px_reply {
	size_t need;      /* PX_NEED: total length now known to be needed (0: unknown, more) */
	size_t consumed;  /* PX_OK/PX_FAIL on a complete reply: its length */
	int code;         /* SOCKS4 CD, SOCKS5 method/status/REP, HTTP status */
	char msg[320];    /* PX_FAIL: what went wrong and what to do; PX_OK: a short summary */
	/* SOCKS5 reply: bound or peer address */
	int atyp;         /* 1 IPv4, 3 domain, 4 IPv6 */
	unsigned char addr[256];
	size_t addrlen;
	uint16_t port;
};

#define PX_SOCKS5_NOAUTH   0x00
#define PX_SOCKS5_USERPASS 0x02
#define PX_SOCKS5_NONE     0xff
#define PX_SOCKS5_CONNECT  1
#define PX_SOCKS5_BIND     2

#define PX_HTTP_MAX 16384 /* longest HTTP reply header accepted */

/* SOCKS4 (host4a == NULL) or SOCKS4A request (ip ignored; 0.0.0.1 sent). Returns the length,
 * 0 when it doesn't fit (cap) or user/host are too long (255). */
size_t px_socks4_request(unsigned char *out, size_t cap, uint16_t port, const unsigned char ip[4],
			 const char *user, const char *host4a);
int px_socks4_reply(const unsigned char *b, size_t n, struct px_reply *r);

/* SOCKS5 greeting offering "no authentication" and, with offer_userpass, username/password. */
size_t px_socks5_greeting(unsigned char *out, size_t cap, bool offer_userpass);
/* The server's method choice: PX_OK with r->code = method; PX_FAIL for 0xff or garbage. */
int px_socks5_method(const unsigned char *b, size_t n, bool offered_userpass, struct px_reply *r);
/* RFC 1929 username/password subnegotiation. 0 when user or pass exceed 255 bytes. */
size_t px_socks5_auth_request(unsigned char *out, size_t cap, const char *user, const char *pass);
int px_socks5_auth_reply(const unsigned char *b, size_t n, struct px_reply *r);
/* CONNECT (cmd 1) or BIND (cmd 2) request for host (IPv4/IPv6 literal or name) and port. */
size_t px_socks5_request(unsigned char *out, size_t cap, int cmd, const char *host, uint16_t port);
int px_socks5_reply(const unsigned char *b, size_t n, struct px_reply *r);
const char *px_socks5_rep_text(int rep);
/* "1.2.3.4:80", "[::1]:80", "name:80" from a SOCKS5 reply address. */
void px_socks5_addr_text(const struct px_reply *r, char *buf, size_t len);

/* "CONNECT host:port HTTP/<version>\r\n" [Host] [Proxy-Authorization: Basic ...] "\r\n".
 * userpass "user:password" or NULL; version "1.0" (default when NULL) or "1.1". Returns the
 * length, 0 when it doesn't fit. */
size_t px_http_request(char *out, size_t cap, const char *host, const char *port, const char *userpass,
		       const char *version);
/* The proxy's reply header, complete when it ends with an empty line (CRLF CRLF; with
 * ignorecr LF LF too). PX_OK for 2xx (r->consumed = header length), PX_FAIL otherwise (r->msg
 * tells the status and what to do), PX_NEED while incomplete (r->need = 0). */
int px_http_reply(const char *b, size_t n, bool ignorecr, bool sent_auth, struct px_reply *r);

/* The server side (SOCKS-SERVER): parsers for what a client sends, and the replies.
 * SOCKS5 greeting: PX_OK with r->code bit 0 "no authentication" offered, bit 1 username/password. */
int px_socks5_greeting_parse(const unsigned char *b, size_t n, struct px_reply *r);
/* SOCKS5 request: PX_OK with r->code = command, r->atyp/addr/addrlen/port the target (a name
 * NUL-terminated in addr). PX_FAIL: r->atyp -8 when the reply is 8 (address type), else 1. */
int px_socks5_request_parse(const unsigned char *b, size_t n, struct px_reply *r);
/* SOCKS4/4A request: PX_OK with r->code = command, r->atyp 1 (addr: 4 bytes) or 3 (SOCKS4A:
 * the name, NUL-terminated), r->port. The user id is skipped (at most 255 bytes). */
int px_socks4_request_parse(const unsigned char *b, size_t n, struct px_reply *r);
/* Replies: SOCKS5 REP with the bound address (atyp 1 or 4; addr NULL: zeros); SOCKS4 CD (90
 * granted, 91 rejected). Return the length, 0 when cap is too small. */
size_t px_socks5_server_reply(unsigned char *out, size_t cap, int rep, int atyp, const unsigned char *addr,
			      uint16_t port);
size_t px_socks4_server_reply(unsigned char *out, size_t cap, int cd, uint16_t port, const unsigned char ip[4]);

/* HTTP-PROXY-SERVER: the client's request head (up to PX_HTTP_MAX bytes). */
struct px_http_req {
	size_t head_len;   /* through the empty line */
	size_t line_len;   /* the request line with its LF */
	char method[16];
	bool connect;      /* CONNECT host:port (else an absolute http:// URI) */
	char host[256];    /* without brackets */
	unsigned port;
	size_t path_off, path_len; /* absolute form: the path and query in the head (may be empty) */
	int minor;         /* HTTP/1.<minor> */
	int status;        /* PX_FAIL: 400 */
	char msg[160];     /* PX_FAIL: why */
};
/* The length of the head (through its empty line; CRLF or bare LF), 0 while incomplete. */
size_t px_http_head_end(const char *b, size_t n);
int px_http_request_parse(const char *b, size_t n, struct px_http_req *r);
/* The head to send to the origin: origin-form request line, the client's headers without the
 * hop-by-hop ones (Connection, Proxy-Connection, Keep-Alive, Proxy-Authorization, TE,
 * Trailer, Upgrade), "Connection: close". Returns the length, 0 when cap is too small. */
size_t px_http_forward_head(const char *b, const struct px_http_req *r, char *out, size_t cap);
/* "HTTP/1.1 <status> <text>" with a one-line text/plain body saying why (200: the CONNECT
 * answer, no body). Returns the length, 0 when cap is too small. */
size_t px_http_status(char *out, size_t cap, int status, const char *why);

/* RFC 1929 username/password request: PX_OK with user and pass NUL-terminated. */
int px_socks5_auth_parse(const unsigned char *b, size_t n, char user[256], char pass[256], struct px_reply *r);
/* The value of header name (case-insensitive) in a parsed head, blanks trimmed. */
bool px_http_header(const char *b, const struct px_http_req *r, const char *name, const char **val, size_t *vlen);

/* Base64 (for Basic authorization). Returns the length written (NUL-terminated), 0 if it
 * doesn't fit. */
size_t px_base64(const unsigned char *in, size_t n, char *out, size_t cap);

#endif
