/* OPENSSL-DTLS-CLIENT and OPENSSL-DTLS-SERVER: a UDP socket through the socket machinery
 * (the server connects to its first client, as UDP-LISTEN), then the DTLS handshake and the
 * endpoint shared with TLS (tls.c), with DTLS retransmissions on the layer's timer.
 *
 * The server answers a ClientHello first with a HelloVerifyRequest (RFC 6347 4.2.1): a
 * cookie, an HMAC of the sender's address under a secret of this process, which the client
 * must send back. Only a sender that can read what is sent to its address gets the
 * certificate flight, so a forged source address buys a reply no larger than the request,
 * and the listener does not commit to (connect to) a forged peer. DTLSv1_listen() does the
 * exchange statelessly on the listening socket, before the socket machinery connects it
 * to the client (the gate of SK_DG_LISTEN); the SSL it used then runs the handshake. */
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "common/log.h"
#include "xio/tls.h"

/* ---- cookies ---- */

static unsigned char cookie_secret[32];
static bool cookie_secret_set;

/* The cookie of the SSL's current peer (the sender of the datagram being read). */
static int cookie_make(SSL *ssl, unsigned char *out, unsigned int *outlen)
{
	union sockaddr_any pa;
	memset(&pa, 0, sizeof pa);
	long n = BIO_ctrl(SSL_get_rbio(ssl), BIO_CTRL_DGRAM_GET_PEER, 0, &pa);
	/* family, port, address: the bytes of the sockaddr that name the peer */
	unsigned char msg[2 + 2 + 16];
	size_t mlen;
	if (n >= (long)sizeof pa.in4 && pa.sa.sa_family == AF_INET) {
		memcpy(msg + 2, &pa.in4.sin_port, 2);
		memcpy(msg + 4, &pa.in4.sin_addr, 4);
		mlen = 8;
	} else if (n >= (long)sizeof pa.in6 && pa.sa.sa_family == AF_INET6) {
		memcpy(msg + 2, &pa.in6.sin6_port, 2);
		memcpy(msg + 4, &pa.in6.sin6_addr, 16);
		mlen = 20;
	} else {
		return 0;
	}
	msg[0] = (unsigned char)(pa.sa.sa_family >> 8);
	msg[1] = (unsigned char)pa.sa.sa_family;
	return HMAC(EVP_sha256(), cookie_secret, (int)sizeof cookie_secret, msg, mlen, out, outlen) != NULL;
}

static int cookie_generate_cb(SSL *ssl, unsigned char *cookie, unsigned int *cookie_len)
{
	return cookie_make(ssl, cookie, cookie_len);
}

static int cookie_verify_cb(SSL *ssl, const unsigned char *cookie, unsigned int cookie_len)
{
	unsigned char want[EVP_MAX_MD_SIZE];
	unsigned int wlen = 0;
	return cookie_make(ssl, want, &wlen) && wlen == cookie_len && CRYPTO_memcmp(want, cookie, wlen) == 0;
}

int dtls_cookies_setup(struct tls_cfg *cfg)
{
	cfg->cookies = true;
	if (!cookie_secret_set) {
		if (RAND_bytes(cookie_secret, sizeof cookie_secret) != 1) {
			ERR("%s: cannot make the DTLS cookie secret: RAND_bytes() failed", cfg->typed);
			return -1;
		}
		cookie_secret_set = true;
	}
	SSL_CTX_set_cookie_generate_cb(cfg->ctx, cookie_generate_cb);
	SSL_CTX_set_cookie_verify_cb(cfg->ctx, cookie_verify_cb);
	SSL_CTX_set_options(cfg->ctx, SSL_OP_COOKIE_EXCHANGE);
	return 0;
}

/* SK_DG_LISTEN's gate (see socket.h): DTLSv1_listen() on the listening socket answers
 * ClientHellos without a valid cookie with a HelloVerifyRequest and drops other datagrams;
 * it peeks at a ClientHello with a valid cookie and leaves it queued for the handshake. */
static int dtls_gate(void *arg, int fd, union sockaddr_any *pa, socklen_t *pl)
{
	struct tls_cfg *cfg = arg;
	if (cfg->gate_ssl && SSL_get_fd(cfg->gate_ssl) != fd) {
		/* a fork listener's new socket */
		SSL_free(cfg->gate_ssl);
		cfg->gate_ssl = NULL;
	}
	unsigned char one;
	if (!cfg->gate_ssl) {
		SSL *ssl = tls_ssl_new(cfg);
		BIO *bio = ssl ? BIO_new_dgram(fd, BIO_NOCLOSE) : NULL;
		if (!bio) {
			if (ssl)
				ERR("%s: BIO_new_dgram(): out of memory", cfg->typed);
			SSL_free(ssl);
			/* drop the datagram: left queued, it would wake the loop again at once */
			(void)!recv(fd, &one, 1, MSG_DONTWAIT);
			return -1;
		}
		SSL_set_bio(ssl, bio, bio);
		SSL_set_accept_state(ssl);
		cfg->gate_ssl = ssl;
	}
	BIO_ADDR *client = BIO_ADDR_new();
	if (!client) {
		ERR("%s: out of memory", cfg->typed);
		(void)!recv(fd, &one, 1, MSG_DONTWAIT);
		return -1;
	}
	ERR_clear_error();
	int r = DTLSv1_listen(cfg->gate_ssl, client);
	BIO_ADDR_free(client);
	if (r == 0)
		return -1; /* nothing to let through now; what is still queued wakes the loop again */
	if (r < 0) {
		/* an error of the socket or of the SSL: drop the datagram at the head, start over */
		unsigned long e = ERR_get_error();
		DBG("%s: DTLSv1_listen(): %s", cfg->typed, e ? ERR_reason_error_string(e) : strerror(errno));
		(void)!recv(fd, &one, 1, MSG_DONTWAIT);
		SSL_free(cfg->gate_ssl);
		cfg->gate_ssl = NULL;
		return 0;
	}
	memset(pa, 0, sizeof *pa);
	long n = BIO_ctrl(SSL_get_rbio(cfg->gate_ssl), BIO_CTRL_DGRAM_GET_PEER, 0, pa);
	if (n <= 0 || (size_t)n > sizeof *pa) {
		(void)!recv(fd, &one, 1, MSG_DONTWAIT);
		SSL_free(cfg->gate_ssl);
		cfg->gate_ssl = NULL;
		return 0;
	}
	*pl = (socklen_t)n;
	DBG("%s: the client sent back a valid cookie", cfg->typed);
	SSL_free(cfg->admitted);
	cfg->admitted = cfg->gate_ssl;
	cfg->gate_ssl = NULL;
	return 1;
}

/* begin: the SSL the gate let through, when it read this socket, else a new one. */
static int dtls_begin(struct lconn *c)
{
	struct tls_cfg *cfg = c->L->cfg;
	SSL *ssl = NULL;
	bool fresh = true;
	if (cfg->admitted && SSL_get_fd(cfg->admitted) == c->fd) {
		ssl = cfg->admitted;
		cfg->admitted = NULL;
		fresh = false;
	} else {
		ssl = tls_ssl_new(cfg);
		if (!ssl)
			return -1;
		BIO *bio = BIO_new_dgram(c->fd, BIO_NOCLOSE);
		if (!bio) {
			ERR("%s: BIO_new_dgram(): out of memory", cfg->typed);
			SSL_free(ssl);
			return -1;
		}
		SSL_set_bio(ssl, bio, bio);
	}
	union sockaddr_any pa;
	socklen_t pl = sizeof pa;
	if (getpeername(c->fd, &pa.sa, &pl) == 0)
		BIO_ctrl(SSL_get_rbio(ssl), BIO_CTRL_DGRAM_SET_CONNECTED, 0, &pa);
	return tls_handshake_start(c, ssl, fresh);
}

static const struct layer_vt dtls_vt = {
	.what = "DTLS handshake",
	.begin = dtls_begin,
	.step = tls_handshake_step,
	.drop = tls_handshake_drop,
	.free_cfg = tls_cfg_free,
};

/* The UDP socket under DTLS, in the address's IP version: its family, or -1 (logged). */
static int udp_req(struct xio_open *inner, enum sk_role role, struct sk_req *rq)
{
	int fam = sk_ip_family(inner, XARG_FAM(inner->h->arg));
	if (fam < 0)
		return -1;
	sk_req_init(rq, role, fam, SOCK_DGRAM, IPPROTO_UDP);
	rq->proto_name = "udp";
	rq->listen_word = "UDP ";
	return fam;
}

static int inner_dtls_connect(struct xio_open *inner, void *arg)
{
	(void)arg;
	struct sk_req rq;
	if (udp_req(inner, SK_DG_CONNECT, &rq) < 0)
		return -1;
	if (sk_req_set_peers(inner, &rq, inner->spec->params[0], inner->spec->params[1]) < 0)
		return -1;
	return sk_open(inner, &rq);
}

static int inner_dtls_listen(struct xio_open *inner, void *arg)
{
	struct tls_cfg *cfg = arg;
	struct sk_req rq;
	int fam = udp_req(inner, SK_DG_LISTEN, &rq);
	if (fam < 0)
		return -1;
	if (sk_ip_local(inner, fam, inner->spec->params[0], SOCK_DGRAM, IPPROTO_UDP, &rq.local) < 0) {
		sk_req_free(&rq);
		return -1;
	}
	rq.has_local = true;
	rq.domain = rq.local.u.sa.sa_family;
	if (cfg->cookies) {
		rq.dg_gate = dtls_gate;
		rq.dg_gate_arg = cfg;
	}
	return sk_open(inner, &rq);
}

static int dtls_client_open(struct xio_open *op) { return tls_layer_open(op, &dtls_vt, false, true, inner_dtls_connect); }
static int dtls_server_open(struct xio_open *op) { return tls_layer_open(op, &dtls_vt, true, true, inner_dtls_listen); }

#define DTLS_C_GROUPS (G(FD) | G(SOCKET) | G(IP4) | G(IP6) | G(UDP) | G(OPENSSL) | G(CHILD) | G(RETRY))
#define DTLS_L_GROUPS (DTLS_C_GROUPS | G(LISTEN) | G(RANGE))

static const char *const al_dtlsc[] = { "DTLS", "DTLS-C", "DTLS-CLIENT", "DTLS-CONNECT", "OPENSSL-DTLS-CONNECT", NULL };
static const char *const al_dtlsl[] = { "DTLS-L", "DTLS-LISTEN", "DTLS-SERVER", "OPENSSL-DTLS-LISTEN", NULL };

const struct xio_handler xio_openssl_dtls_client = {
	.name = "OPENSSL-DTLS-CLIENT", .aliases = al_dtlsc, .usage = ":<host>:<port>", .min_params = 2,
	.max_params = 2, .groups = DTLS_C_GROUPS, .dirs = XIO_RDWR, .arg = AF_UNSPEC, .flags = XH_MULTI,
	.open = dtls_client_open, .stop = layer_stop, .resume = layer_resume,
	.help = "DTLS client over UDP (datagrams have no EOF: use -T)",
};
const struct xio_handler xio_openssl_dtls_server = {
	.name = "OPENSSL-DTLS-SERVER", .aliases = al_dtlsl, .usage = ":<port>", .min_params = 1, .max_params = 1,
	.groups = DTLS_L_GROUPS, .dirs = XIO_RDWR, .arg = AF_UNSPEC, .flags = XH_MULTI,
	.open = dtls_server_open, .stop = layer_stop, .resume = layer_resume,
	.help = "DTLS server over UDP; a client first proves its address with a cookie (HelloVerifyRequest), then the first one becomes the peer, as UDP-LISTEN",
};
