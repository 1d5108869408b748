/* TLS and DTLS internals shared by tls.c (handshake, endpoint), tls_ctx.c (the SSL_CTX from
 * the OPENSSL options), tls_errors.c (verification records and messages that say what failed
 * and what to do) and dtls.c. */
#ifndef DUCT_XIO_TLS_H
#define DUCT_XIO_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "xio/layer.h"

/* Per open: the context and what the handshakes need to know. */
struct tls_cfg {
	SSL_CTX *ctx;
	bool server, dtls;
	bool verify;
	char *checkname;     /* name the peer certificate must carry (NULL: no name check) */
	bool checkname_ip;   /* ... is an IP address */
	bool checkname_given;/* from commonname= rather than the host */
	char *sni;           /* server name sent (NULL: none) */
	const char *nosni_why; /* why none was sent: "the target is an IP address", "nosni" */
	char *host;          /* target host as given (clients) */
	char *cafile, *capath, *certfile, *cipher;
	bool have_cert;
	int min_v, max_v;    /* 0: library default */
	unsigned char *alpn; /* wire format */
	size_t alpnlen;
	char typed[64];
	/* DTLS server: HelloVerifyRequest first (dtls.c) */
	bool cookies;
	SSL *gate_ssl;       /* DTLSv1_listen()'s, on the listening socket */
	SSL *admitted;       /* the one that let a client with a valid cookie through, for its handshake */
};

/* Per connection. Handshake state first, then the endpoint's. */
struct tls_conn {
	SSL *ssl;
	int fd;
	bool dtls;
	bool read_wants_write;
	bool write_wants_read;
	bool shut_sent;
	/* verification record (first failure) */
	int verr;
	int vdepth;
	X509 *vcert;
	const struct tls_cfg *cfg; /* the open's, during the handshake (the verify callback's) */
	char name[64];       /* the address as typed, for messages */
	char peer[320];
};

/* tls_ctx.c: take the OPENSSL options from op->opts and build cfg. host: target (clients) or
 * NULL. Returns NULL (logged) on failure. */
struct tls_cfg *tls_cfg_new(struct xio_open *op, bool server, bool dtls, const char *host);
void tls_cfg_free(void *cfg);
/* dtls.c: a DTLS server's context answers a ClientHello without a valid cookie with a
 * HelloVerifyRequest. Returns -1 (logged) on failure. */
int dtls_cookies_setup(struct tls_cfg *cfg);
/* ex_data index of struct tls_conn on SSL objects */
int tls_conn_idx(void);

/* tls_errors.c */
int tls_verify_cb(int ok, X509_STORE_CTX *xs);
/* Log why the handshake on c failed (after SSL_do_handshake returned <= 0 with err). */
void tls_log_handshake_failure(const struct tls_cfg *cfg, struct tls_conn *t, int sslerr, int sys_errno);
/* Log an error during transfer (SSL_ERROR_SSL from read/write); an alert from the peer is
 * also written into rep, for the session log. */
void tls_log_transfer_error(struct tls_conn *t, const char *op, struct ep_report *rep);
/* "CN=a,O=b" of a name */
void tls_name_text(X509_NAME *n, char *buf, size_t len);
/* "CN=x, SAN=[DNS:a, IP:1.2.3.4]" */
void tls_cert_names(X509 *x, char *buf, size_t len);
/* "AB:CD:..." SHA-256 fingerprint */
void tls_fingerprint(X509 *x, char *buf, size_t len);
/* The common name of a subject, or "" */
void tls_common_name(X509 *x, char *buf, size_t len);

/* tls.c: the handshake steps (begin, step, drop of a struct layer_vt) for TLS and DTLS; a
 * completed handshake turns the connection into an endpoint that reads and writes through
 * the SSL object. dtls.c builds its own vt from them. */
/* A new SSL from cfg->ctx, or NULL (logged). */
SSL *tls_ssl_new(const struct tls_cfg *cfg);
/* begin: c's handshake state around ssl, whose BIO is set (takes ssl, also on failure).
 * fresh: put it in accept/connect state (not for one that DTLSv1_listen() let through). */
int tls_handshake_start(struct lconn *c, SSL *ssl, bool fresh);
enum lstep tls_handshake_step(struct lconn *c, uint32_t events);
void tls_handshake_drop(struct lconn *c);
/* The open of every TLS and DTLS address: the cfg from the OPENSSL options, a layer with vt
 * whose transport is inner_open (called with the cfg as arg); a TLS client opens again after
 * a failed handshake under retry=. Returns 0, or -1 (logged). */
int tls_layer_open(struct xio_open *op, const struct layer_vt *vt, bool server, bool dtls,
		   int (*inner_open)(struct xio_open *inner, void *arg));
/* TLS under another layer (WSS): the OPENSSL options of op, host for SNI and verification
 * (NULL on a server), the transport inner_open(inner, arg). Returns 0, or -1 (logged). */
int tls_stream_layer_open(struct xio_open *op, bool server, const char *host,
			  int (*inner_open)(struct xio_open *inner, void *arg), void *arg);

#endif
