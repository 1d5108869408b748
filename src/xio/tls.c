/* OPENSSL (client) and OPENSSL-LISTEN: TCP through the socket machinery, then the TLS
 * handshake as a nonblocking step in the event loop (layer.c), so a fork listener serves any
 * number of handshakes at once in one process; then an endpoint whose read/write/shutdown go
 * through the SSL object. DTLS (dtls.c) shares the handshake and the endpoint. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "common/log.h"
#include "xio/tls.h"

/* ---- the endpoint ---- */

static ssize_t tls_read(struct endpoint *ep, void *buf, size_t len)
{
	struct tls_conn *t = ep->ctx;
	t->read_wants_write = false;
	ERR_clear_error();
	size_t n = 0;
	if (SSL_read_ex(t->ssl, buf, len, &n) == 1)
		return (ssize_t)n;
	int se = errno;
	int e = SSL_get_error(t->ssl, 0);
	switch (e) {
	case SSL_ERROR_WANT_READ:
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_WANT_WRITE:
		/* the record layer must send first (key update, alert): retry when writable */
		t->read_wants_write = true;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		DBG("%s: TLS close_notify received from %s", t->name, t->peer);
		return 0;
	case SSL_ERROR_SYSCALL:
		if (se == 0)
			return 0;
		errno = se;
		return -1;
	default:
		tls_log_transfer_error(t, "read", endpoint_report(ep));
		errno = EPROTO;
		return -1;
	}
}

static ssize_t tls_write(struct endpoint *ep, const void *buf, size_t len)
{
	struct tls_conn *t = ep->ctx;
	if (len == 0)
		return 0;
	t->write_wants_read = false;
	ERR_clear_error();
	size_t n = 0;
	if (SSL_write_ex(t->ssl, buf, len, &n) == 1)
		return (ssize_t)n;
	int se = errno;
	int e = SSL_get_error(t->ssl, 0);
	switch (e) {
	case SSL_ERROR_WANT_WRITE:
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_WANT_READ:
		t->write_wants_read = true;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_SYSCALL:
		errno = se ? se : EPIPE;
		return -1;
	default:
		tls_log_transfer_error(t, "write", endpoint_report(ep));
		errno = EPROTO;
		return -1;
	}
}

static int tls_shutdown_write(struct endpoint *ep)
{
	struct tls_conn *t = ep->ctx;
	if (!t->shut_sent) {
		t->shut_sent = true;
		ERR_clear_error();
		int r = SSL_shutdown(t->ssl);
		if (r < 0) {
			int e = SSL_get_error(t->ssl, r);
			if (e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ)
				DBG("%s: SSL_shutdown(): error %d", t->name, e);
		}
		ERR_clear_error();
	}
	if (!t->dtls && shutdown(t->fd, SHUT_WR) < 0 && errno != ENOTCONN)
		return -1;
	return 0;
}

static size_t tls_pending(struct endpoint *ep)
{
	struct tls_conn *t = ep->ctx;
	size_t n = (size_t)SSL_pending(t->ssl);
	if (!n && SSL_has_pending(t->ssl))
		n = 1;
	if (t->read_wants_write)
		n++;
	return n;
}

static void tls_conn_free(struct tls_conn *t)
{
	if (t->ssl)
		SSL_free(t->ssl);
	if (t->vcert)
		X509_free(t->vcert);
	free(t);
}

static void tls_close(struct endpoint *ep)
{
	struct tls_conn *t = ep->ctx;
	int fd = t->fd;
	tls_conn_free(t);
	ep->ctx = NULL;
	if (fd >= 0)
		endpoint_close_fd(fd);
	if (ep->wfd >= 0 && ep->wfd != fd)
		close(ep->wfd);
	ep->rfd = ep->wfd = -1;
}

static const struct endpoint_ops tls_ops = {
	.read = tls_read,
	.write = tls_write,
	.shutdown_write = tls_shutdown_write,
	.pending = tls_pending,
	.close = tls_close,
};

/* ---- the handshake ---- */

int tls_handshake_start(struct lconn *c, SSL *ssl, bool fresh)
{
	struct tls_cfg *cfg = c->L->cfg;
	struct tls_conn *t = calloc(1, sizeof *t);
	if (!t) {
		ERR("out of memory");
		SSL_free(ssl);
		return -1;
	}
	c->st = t;
	t->ssl = ssl;
	t->fd = c->fd;
	t->dtls = cfg->dtls;
	t->cfg = cfg;
	snprintf(t->name, sizeof t->name, "%s", cfg->typed);
	snprintf(t->peer, sizeof t->peer, "%s", c->peer);
	SSL_set_ex_data(t->ssl, tls_conn_idx(), t);
	if (cfg->server) {
		/* an SSL that DTLSv1_listen() let through is past the ClientHello: don't reset it */
		if (fresh)
			SSL_set_accept_state(t->ssl);
	} else {
		SSL_set_connect_state(t->ssl);
		if (cfg->sni && !SSL_set_tlsext_host_name(t->ssl, cfg->sni)) {
			ERR("%s: cannot send SNI name \"%s\"", t->name, cfg->sni);
			return -1;
		}
	}
	DBG("%s: starting %s handshake with %s%s%s", t->name, cfg->dtls ? "DTLS" : "TLS", t->peer,
	    cfg->sni ? ", SNI " : "", cfg->sni ? cfg->sni : "");
	return 0;
}

SSL *tls_ssl_new(const struct tls_cfg *cfg)
{
	SSL *ssl = SSL_new(cfg->ctx);
	if (!ssl)
		ERR("%s: SSL_new(): %s", cfg->typed, ERR_reason_error_string(ERR_get_error()));
	return ssl;
}

static int tls_begin(struct lconn *c)
{
	struct tls_cfg *cfg = c->L->cfg;
	SSL *ssl = tls_ssl_new(cfg);
	if (!ssl)
		return -1;
	if (!SSL_set_fd(ssl, c->fd)) {
		ERR("%s: SSL_set_fd(): %s", cfg->typed, ERR_reason_error_string(ERR_get_error()));
		SSL_free(ssl);
		return -1;
	}
	return tls_handshake_start(c, ssl, true);
}

void tls_handshake_drop(struct lconn *c)
{
	tls_conn_free(c->st);
	c->st = NULL;
}

/* ---- what a child process learns about the connection ---- */

/* "C = XY, O = \"A, B\", CN = x": OpenSSL's one-line form, UTF-8 kept as is (socat's form) */
static char *name_oneline(X509_NAME *n)
{
	BIO *b = BIO_new(BIO_s_mem());
	if (!b)
		return NULL;
	char *s = NULL;
	if (X509_NAME_print_ex(b, n, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) >= 0 && BIO_write(b, "", 1) == 1) {
		char *data = NULL;
		long len = BIO_get_mem_data(b, &data);
		if (len > 0)
			s = strdup(data);
	}
	BIO_free(b);
	return s;
}

/* The variable name of a name field: its long name upper-cased (countryName: COUNTRYNAME), a
 * field OpenSSL has no name for by its dotted number with '_' for '.' */
static void field_var(const ASN1_OBJECT *obj, char *buf, size_t len)
{
	int nid = OBJ_obj2nid(obj);
	const char *ln = nid != NID_undef ? OBJ_nid2ln(nid) : NULL;
	char num[80] = "";
	if (!ln) {
		OBJ_obj2txt(num, sizeof num, obj, 1);
		ln = num;
	}
	int k = snprintf(buf, len, "OPENSSL_X509_");
	size_t o = k > 0 ? (size_t)k : 0;
	for (const char *p = ln; *p && o + 1 < len; p++)
		buf[o++] = isalnum((unsigned char)*p) ? (char)toupper((unsigned char)*p) : '_';
	buf[o < len ? o : len - 1] = 0;
}

/* Append " // " and text to *acc (the separator socat puts between repeated fields) */
static void join_value(char **acc, const char *text, size_t tlen)
{
	size_t have = *acc ? strlen(*acc) : 0;
	char *n = realloc(*acc, have + 4 + tlen + 1);
	if (!n)
		return;
	size_t o = have;
	if (have) {
		memcpy(n + o, " // ", 4);
		o += 4;
	}
	memcpy(n + o, text, tlen);
	n[o + tlen] = 0;
	*acc = n;
}

/* One variable per subject field; a field that occurs more than once gets its values in order,
 * joined by " // " (OU = a, OU = b: ORGANIZATIONALUNITNAME=a // b) */
static void set_field_env(X509_NAME *n, struct endpoint *ep)
{
	int count = X509_NAME_entry_count(n);
	for (int i = 0; i < count; i++) {
		char var[96], other[96];
		field_var(X509_NAME_ENTRY_get_object(X509_NAME_get_entry(n, i)), var, sizeof var);
		bool seen = false;
		for (int j = 0; j < i && !seen; j++) {
			field_var(X509_NAME_ENTRY_get_object(X509_NAME_get_entry(n, j)), other, sizeof other);
			seen = strcmp(var, other) == 0;
		}
		if (seen)
			continue;
		char *value = NULL;
		for (int j = i; j < count; j++) {
			X509_NAME_ENTRY *e = X509_NAME_get_entry(n, j);
			field_var(X509_NAME_ENTRY_get_object(e), other, sizeof other);
			if (strcmp(var, other) != 0)
				continue;
			/* the bytes as the certificate has them (as socat gives them: a T61String
			 * often holds UTF-8 already); only the wide strings made UTF-8 */
			const ASN1_STRING *d = X509_NAME_ENTRY_get_data(e);
			int type = ASN1_STRING_type(d);
			if (type == V_ASN1_BMPSTRING || type == V_ASN1_UNIVERSALSTRING) {
				unsigned char *u = NULL;
				int k = ASN1_STRING_to_UTF8(&u, d);
				join_value(&value, k > 0 ? (const char *)u : "", k > 0 ? (size_t)k : 0);
				OPENSSL_free(u);
			} else {
				const unsigned char *raw = ASN1_STRING_get0_data(d);
				int k = ASN1_STRING_length(d);
				size_t rlen = k > 0 ? strnlen((const char *)raw, (size_t)k) : 0;
				join_value(&value, (const char *)raw, rlen);
			}
		}
		endpoint_setenv(ep, var, value ? value : "");
		free(value);
	}
}

/* The subjectAltName DNS names and IP addresses, each kind joined by " // " */
static void set_altname_env(X509 *x, struct endpoint *ep)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	char *dns = NULL, *ips = NULL;
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		if (g->type == GEN_DNS) {
			join_value(&dns, (const char *)ASN1_STRING_get0_data(g->d.dNSName),
				   (size_t)ASN1_STRING_length(g->d.dNSName));
		} else if (g->type == GEN_IPADD) {
			int al = ASN1_STRING_length(g->d.iPAddress);
			char t[INET6_ADDRSTRLEN];
			if ((al == 4 || al == 16) &&
			    inet_ntop(al == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(g->d.iPAddress), t, sizeof t))
				join_value(&ips, t, strlen(t));
		}
	}
	GENERAL_NAMES_free(gens);
	if (dns)
		endpoint_setenv(ep, "OPENSSL_X509V3_SUBJECTALTNAME_DNS", dns);
	if (ips)
		endpoint_setenv(ep, "OPENSSL_X509V3_SUBJECTALTNAME_IPADD", ips);
	free(dns);
	free(ips);
}

/* <PREFIX>_OPENSSL_* for EXEC/SYSTEM children, named as socat names them: the peer
 * certificate's subject and issuer, its subject fields, with verification its subjectAltName
 * entries; the protocol version (also as OPENSSL_PROTOCOL, duct's older name) and cipher. */
static void set_peer_env(const struct tls_cfg *cfg, SSL *ssl, X509 *peer, struct endpoint *ep)
{
	if (peer) {
		char *subj = name_oneline(X509_get_subject_name(peer));
		char *iss = name_oneline(X509_get_issuer_name(peer));
		endpoint_setenv(ep, "OPENSSL_X509_SUBJECT", subj ? subj : "");
		endpoint_setenv(ep, "OPENSSL_X509_ISSUER", iss ? iss : "");
		free(subj);
		free(iss);
		set_field_env(X509_get_subject_name(peer), ep);
		if (cfg->verify)
			set_altname_env(peer, ep);
	}
	endpoint_setenv(ep, "OPENSSL_PROTO_VERSION", SSL_get_version(ssl));
	endpoint_setenv(ep, "OPENSSL_PROTOCOL", SSL_get_version(ssl));
	endpoint_setenv(ep, "OPENSSL_CIPHER", SSL_get_cipher_name(ssl));
}

static void log_established(const struct tls_cfg *cfg, struct tls_conn *t, struct endpoint *ep)
{
	SSL *ssl = t->ssl;
	X509 *peer = SSL_get0_peer_certificate(ssl);
	char subj[400] = "", iss[400] = "";
	if (peer) {
		tls_name_text(X509_get_subject_name(peer), subj, sizeof subj);
		tls_name_text(X509_get_issuer_name(peer), iss, sizeof iss);
	}
	set_peer_env(cfg, ssl, peer, ep);
	snprintf(endpoint_report(ep)->peer_subject, sizeof ep->report->peer_subject, "%s", subj);
	if (!log_enabled(LOG_N))
		return;
	const unsigned char *alpn = NULL;
	unsigned alpnlen = 0;
	SSL_get0_alpn_selected(ssl, &alpn, &alpnlen);
	char ab[600] = "";
	int k = 0;
	if (alpnlen)
		k = snprintf(ab, sizeof ab, ", ALPN %.*s", (int)alpnlen, (const char *)alpn);
	const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	if (cfg->server && k >= 0 && (size_t)k < sizeof ab)
		snprintf(ab + k, sizeof ab - (size_t)k, ", %s%.200s%s", sni ? "SNI \"" : "no SNI", sni ? sni : "",
			 sni ? "\"" : "");
	char pb[900];
	if (peer)
		snprintf(pb, sizeof pb, "peer certificate subject \"%s\", issuer \"%s\"%s", subj, iss,
			 cfg->verify ? " (verified)" : " (NOT verified: verify=0)");
	else
		snprintf(pb, sizeof pb, "no peer certificate");
	NOTE("%s: %s connection with %s using %s, cipher %s%s%s; %s", t->name, cfg->dtls ? "DTLS" : "TLS", t->peer,
	     SSL_get_version(ssl), SSL_get_cipher_name(ssl), SSL_session_reused(ssl) ? ", resumed" : "", ab, pb);
}

enum lstep tls_handshake_step(struct lconn *c, uint32_t events)
{
	struct tls_cfg *cfg = c->L->cfg;
	struct tls_conn *t = c->st;
	if (cfg->dtls && events == 0 && c->ltimer == NULL) {
		/* a retransmission timer fired (or the first call) */
		DTLSv1_handle_timeout(t->ssl);
	}
	ERR_clear_error();
	errno = 0;
	int r = SSL_do_handshake(t->ssl);
	int se = errno;
	if (r == 1) {
		struct endpoint *ep = c->ep;
		if (cfg->dtls)
			layer_conn_timer(c, 0);
		log_established(cfg, t, ep);
		ep->ops = &tls_ops;
		ep->ctx = t;
		ep->flags |= EPF_NOSPLICE;
		/* tls_read() gives 0 bytes on close_notify, and again on every call after it: that
		 * is EOF, not an empty datagram to ignore and read again, forever */
		if (cfg->dtls)
			ep->flags |= EPF_NULL_EOF;
		snprintf(ep->desc, sizeof ep->desc, "%s", cfg->dtls ? "DTLS socket" : "TLS socket");
		c->st = NULL; /* the endpoint owns it now */
		return LSTEP_DONE;
	}
	int e = SSL_get_error(t->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		if (cfg->dtls) {
			struct timeval tv;
			if (DTLSv1_get_timeout(t->ssl, &tv))
				layer_conn_timer(c, tv.tv_sec + tv.tv_usec / 1e6 + 0.001);
		}
		return e == SSL_ERROR_WANT_READ ? LSTEP_READ : LSTEP_WRITE;
	}
	tls_log_handshake_failure(cfg, t, e, se);
	return LSTEP_FAIL;
}

static const struct layer_vt tls_vt = {
	.what = "TLS handshake",
	.begin = tls_begin,
	.step = tls_handshake_step,
	.drop = tls_handshake_drop,
	.free_cfg = tls_cfg_free,
};

/* ---- opens ---- */

static int inner_connect(struct xio_open *inner, void *arg)
{
	(void)arg;
	return ipstream_connect_open(inner, SOCK_STREAM, IPPROTO_TCP, "tcp");
}

static int inner_listen(struct xio_open *inner, void *arg)
{
	(void)arg;
	return ipstream_listen_open(inner, SOCK_STREAM, IPPROTO_TCP, "tcp");
}

int tls_layer_open(struct xio_open *op, const struct layer_vt *vt, bool server, bool dtls,
		   int (*inner_open)(struct xio_open *inner, void *arg))
{
	const char *host = server ? NULL : op->spec->params[0];
	struct tls_cfg *cfg = tls_cfg_new(op, server, dtls, host);
	if (!cfg)
		return -1;
	struct layer *L = layer_new(op, vt, cfg);
	if (!L)
		return -1;
	if (!server)
		layer_retry_failed_handshakes(L);
	return layer_run(L, inner_open, cfg);
}

int tls_stream_layer_open(struct xio_open *op, bool server, const char *host,
			  int (*inner_open)(struct xio_open *inner, void *arg), void *arg)
{
	struct tls_cfg *cfg = tls_cfg_new(op, server, false, host);
	if (!cfg)
		return -1;
	struct layer *L = layer_new(op, &tls_vt, cfg);
	if (!L)
		return -1;
	if (!server)
		layer_retry_failed_handshakes(L);
	return layer_run(L, inner_open, arg);
}

static int openssl_connect_open(struct xio_open *op) { return tls_layer_open(op, &tls_vt, false, false, inner_connect); }
static int openssl_listen_open(struct xio_open *op) { return tls_layer_open(op, &tls_vt, true, false, inner_listen); }

#define TLS_C_GROUPS (G(FD) | G(SOCKET) | G(IP4) | G(IP6) | G(TCP) | G(OPENSSL) | G(CHILD) | G(RETRY))
#define TLS_L_GROUPS (TLS_C_GROUPS | G(LISTEN) | G(RANGE))

static const char *const al_ssl[] = { "SSL", "OPENSSL-CONNECT", NULL };
static const char *const al_ssll[] = { "SSL-L", NULL };

const struct xio_handler xio_openssl_connect = {
	.name = "OPENSSL", .aliases = al_ssl, .usage = ":<host>:<port>", .min_params = 2, .max_params = 2,
	.groups = TLS_C_GROUPS, .dirs = XIO_RDWR, .arg = AF_UNSPEC, .flags = XH_MULTI,
	.open = openssl_connect_open, .stop = layer_stop, .resume = layer_resume,
	.help = "TLS client; verifies the server's chain and name (subjectAltName, then CN; an address such as [::1] also matches a CN or DNS name of [::1] or ::1) and sends SNI",
};
const struct xio_handler xio_openssl_listen = {
	.name = "OPENSSL-LISTEN", .aliases = al_ssll, .usage = ":<port>", .min_params = 1, .max_params = 1,
	.groups = TLS_L_GROUPS, .dirs = XIO_RDWR, .arg = AF_UNSPEC, .flags = XH_MULTI,
	.open = openssl_listen_open, .stop = layer_stop, .resume = layer_resume,
	.help = "TLS server (cert=); with fork, many handshakes run at once in one process; verify=1 requires client certificates",
};
