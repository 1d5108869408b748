/* The SSL_CTX of an OPENSSL address, built once per open from its options (a fork listener
 * shares it between all its connections). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/provider.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/log.h"
#include "xio/tls.h"

#define TLS_DEFAULT_CIPHERS "HIGH:-NULL:-PSK:-aNULL"

static int conn_idx = -1;

int tls_conn_idx(void)
{
	if (conn_idx < 0)
		conn_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	return conn_idx;
}

/* ---- SSLKEYLOGFILE ---- */

static int keylog_fd = -2; /* -2: not looked at yet, -1: none */

static void keylog_cb(const SSL *ssl, const char *line)
{
	(void)ssl;
	if (keylog_fd < 0)
		return;
	size_t n = strlen(line);
	char buf[1024];
	if (n + 1 > sizeof buf)
		return;
	memcpy(buf, line, n);
	buf[n] = '\n';
	ssize_t w = write(keylog_fd, buf, n + 1);
	(void)w;
}

static void keylog_setup(SSL_CTX *ctx)
{
	if (keylog_fd == -2) {
		keylog_fd = -1;
		const char *path = getenv("SSLKEYLOGFILE");
		if (path && *path) {
			keylog_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
			if (keylog_fd < 0)
				WARN("SSLKEYLOGFILE=%s: %s; TLS secrets are not logged", path, strerror(errno));
			else
				NOTE("SSLKEYLOGFILE=%s: logging TLS secrets (for Wireshark)", path);
		}
	}
	if (keylog_fd >= 0)
		SSL_CTX_set_keylog_callback(ctx, keylog_cb);
}

/* ---- helpers ---- */

static void ssl_err_text(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();
	if (!e) {
		snprintf(buf, len, "unknown error");
		return;
	}
	const char *r = ERR_reason_error_string(e);
	snprintf(buf, len, "%s", r ? r : "error");
	ERR_clear_error();
}

static int parse_version(const char *s, bool dtls, int *out)
{
	static const struct {
		const char *name;
		int v;
	} tab[] = {
		{ "SSL3", SSL3_VERSION },     { "SSLv3", SSL3_VERSION },    { "TLS1", TLS1_VERSION },
		{ "TLS1.0", TLS1_VERSION },   { "TLSv1", TLS1_VERSION },    { "TLSv1.0", TLS1_VERSION },
		{ "TLS1.1", TLS1_1_VERSION }, { "TLSv1.1", TLS1_1_VERSION }, { "TLS1.2", TLS1_2_VERSION },
		{ "TLSv1.2", TLS1_2_VERSION }, { "TLS1.3", TLS1_3_VERSION }, { "TLSv1.3", TLS1_3_VERSION },
		{ "DTLS1", DTLS1_VERSION },   { "DTLS1.0", DTLS1_VERSION }, { "DTLSv1", DTLS1_VERSION },
		{ "DTLS1.2", DTLS1_2_VERSION }, { "DTLSv1.2", DTLS1_2_VERSION },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strcasecmp(s, tab[i].name) == 0) {
			bool isd = tab[i].v == DTLS1_VERSION || tab[i].v == DTLS1_2_VERSION;
			if (isd != dtls)
				return -2;
			*out = tab[i].v;
			return 0;
		}
	return -1;
}

static const char *version_name(int v)
{
	switch (v) {
	case SSL3_VERSION: return "SSL3";
	case TLS1_VERSION: return "TLS1";
	case TLS1_1_VERSION: return "TLS1.1";
	case TLS1_2_VERSION: return "TLS1.2";
	case TLS1_3_VERSION: return "TLS1.3";
	case DTLS1_VERSION: return "DTLS1";
	case DTLS1_2_VERSION: return "DTLS1.2";
	}
	return "?";
}

static int take_version(struct xio_open *op, enum opt_id id, const char *oname, bool dtls, int *out)
{
	const char *s;
	if (!opt_take_str(&op->opts, id, &s) || !s)
		return 0;
	int rc = parse_version(s, dtls, out);
	if (rc == -1) {
		ERR("%s: %s=%s: unknown protocol version; use %s", op->typed, oname, s,
		    dtls ? "DTLS1 or DTLS1.2" : "TLS1, TLS1.1, TLS1.2 or TLS1.3");
		return -1;
	}
	if (rc == -2) {
		ERR("%s: %s=%s: not a %s version; use %s", op->typed, oname, s, dtls ? "DTLS" : "TLS",
		    dtls ? "DTLS1 or DTLS1.2" : "TLS1, TLS1.1, TLS1.2 or TLS1.3");
		return -1;
	}
	return 0;
}

/* "h2;http/1.1" (also '/'... no: '/' is part of names; ';' and ':' separate) -> wire format */
static int parse_alpn(const char *s, unsigned char **out, size_t *outlen)
{
	size_t n = strlen(s);
	unsigned char *w = malloc(n + 2);
	if (!w)
		return -1;
	size_t o = 0;
	const char *p = s;
	while (*p) {
		const char *e = p;
		while (*e && *e != ';' && *e != ' ')
			e++;
		size_t l = (size_t)(e - p);
		if (l > 255) {
			free(w);
			return -1;
		}
		if (l) {
			w[o++] = (unsigned char)l;
			memcpy(w + o, p, l);
			o += l;
		}
		p = *e ? e + 1 : e;
	}
	if (!o) {
		free(w);
		return -1;
	}
	*out = w;
	*outlen = o;
	return 0;
}

static int alpn_select_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen, const unsigned char *in,
			  unsigned int inlen, void *arg)
{
	struct tls_cfg *cfg = arg;
	(void)ssl;
	unsigned char *o = NULL;
	if (SSL_select_next_proto(&o, outlen, cfg->alpn, (unsigned)cfg->alpnlen, in, inlen) != OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_NOACK;
	*out = o;
	return SSL_TLSEXT_ERR_OK;
}

void tls_cfg_free(void *p)
{
	struct tls_cfg *cfg = p;
	if (!cfg)
		return;
	SSL_free(cfg->gate_ssl);
	SSL_free(cfg->admitted);
	if (cfg->ctx)
		SSL_CTX_free(cfg->ctx);
	free(cfg->checkname);
	free(cfg->sni);
	free(cfg->host);
	free(cfg->cafile);
	free(cfg->capath);
	free(cfg->certfile);
	free(cfg->cipher);
	free(cfg->alpn);
	free(cfg);
}

static bool is_ip_literal(const char *h)
{
	unsigned char a[16];
	char b[INET6_ADDRSTRLEN + 2];
	size_t l = strlen(h);
	if (l >= 2 && h[0] == '[' && h[l - 1] == ']' && l - 2 < sizeof b) {
		memcpy(b, h + 1, l - 2);
		b[l - 2] = 0;
		h = b;
	}
	return inet_pton(AF_INET, h, a) == 1 || inet_pton(AF_INET6, h, a) == 1;
}

static char *strip_brackets(const char *h)
{
	size_t l = strlen(h);
	if (l >= 2 && h[0] == '[' && h[l - 1] == ']')
		return strndup(h + 1, l - 2);
	return strdup(h);
}

/* egd and pseudo only need noting; fips switches OpenSSL to its FIPS provider. */
static int cfg_fips(struct tls_cfg *cfg, struct opt_list *l)
{
	const char *typed = cfg->typed;
	const char *s;
	bool b;

	if (opt_take_str(l, OPT_TLS_EGD, &s))
		DBG("%s: egd is obsolete (OpenSSL seeds itself); ignored", typed);
	if (opt_take_bool(l, OPT_TLS_PSEUDO, &b))
		DBG("%s: pseudo is obsolete (OpenSSL seeds itself); ignored", typed);

	if (opt_take_bool(l, OPT_TLS_FIPS, &b) && b) {
		if (!OSSL_PROVIDER_available(NULL, "fips") && !OSSL_PROVIDER_load(NULL, "fips")) {
			ERR("%s: fips: the FIPS provider is not available in this OpenSSL installation "
			    "(install and configure the OpenSSL FIPS module, or drop the fips option)", typed);
			ERR_clear_error();
			return -1;
		}
		if (!EVP_default_properties_enable_fips(NULL, 1)) {
			ERR("%s: fips: cannot switch OpenSSL to FIPS mode", typed);
			return -1;
		}
		NOTE("%s: FIPS mode enabled", typed);
	}
	return 0;
}

/* The SSL_CTX for the role (client or server, TLS or DTLS) with duct's fixed modes. */
static int cfg_ctx_new(struct tls_cfg *cfg)
{
	char e[300];
	bool server = cfg->server, dtls = cfg->dtls;
	const SSL_METHOD *m = dtls ? (server ? DTLS_server_method() : DTLS_client_method())
				   : (server ? TLS_server_method() : TLS_client_method());
	cfg->ctx = SSL_CTX_new(m);
	if (!cfg->ctx) {
		ssl_err_text(e, sizeof e);
		ERR("%s: SSL_CTX_new(): %s", cfg->typed, e);
		return -1;
	}
	/* idle connections give their record buffers back: many sessions stay cheap */
	SSL_CTX_set_mode(cfg->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_options(cfg->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_COMPRESSION);
	keylog_setup(cfg->ctx);
	return 0;
}

/* protocol versions: min-version, max-version, method (pins both) */
static int cfg_versions(struct tls_cfg *cfg, struct xio_open *op)
{
	const char *typed = cfg->typed;
	bool dtls = cfg->dtls;
	SSL_CTX *ctx = cfg->ctx;
	const char *s;

	if (take_version(op, OPT_TLS_MIN_VERSION, "min-version", dtls, &cfg->min_v) < 0 ||
	    take_version(op, OPT_TLS_MAX_VERSION, "max-version", dtls, &cfg->max_v) < 0)
		return -1;
	if (opt_take_str(&op->opts, OPT_TLS_METHOD, &s) && s) {
		int mv = 0;
		if (strcasecmp(s, "SSL23") == 0 || strcasecmp(s, "TLS") == 0 || strcasecmp(s, "DTLS") == 0) {
			/* any version */
		} else if (parse_version(s, dtls, &mv) == 0) {
			cfg->min_v = cfg->max_v = mv;
		} else {
			ERR("%s: method=%s: unknown; use %s", typed, s,
			    dtls ? "DTLS1 or DTLS1.2" : "TLS1, TLS1.1, TLS1.2, TLS1.3 or TLS (any)");
			return -1;
		}
	}
	if (cfg->min_v && cfg->max_v && !dtls && cfg->min_v > cfg->max_v) {
		ERR("%s: min-version=%s is above max-version=%s: no version is left", typed, version_name(cfg->min_v),
		    version_name(cfg->max_v));
		return -1;
	}
	if (cfg->min_v && cfg->min_v < TLS1_2_VERSION && !dtls) {
		/* old versions need the lower security level in OpenSSL 3 */
		SSL_CTX_set_security_level(ctx, 0);
	}
	if (cfg->min_v && !SSL_CTX_set_min_proto_version(ctx, cfg->min_v)) {
		ERR("%s: min-version=%s is not supported by this OpenSSL", typed, version_name(cfg->min_v));
		return -1;
	}
	if (cfg->max_v && !SSL_CTX_set_max_proto_version(ctx, cfg->max_v)) {
		ERR("%s: max-version=%s is not supported by this OpenSSL", typed, version_name(cfg->max_v));
		return -1;
	}
	return 0;
}

/* The cipher list (the default, then cipher=) and compression. */
static int cfg_ciphers(struct tls_cfg *cfg, struct opt_list *l)
{
	const char *typed = cfg->typed;
	SSL_CTX *ctx = cfg->ctx;
	const char *s;
	char e[300];

	/* socat's default list rather than OpenSSL's DEFAULT: it keeps the DSS suites, so a
	 * DSA certificate works (TLS 1.2; TLS 1.3 has no DSA) */
	if (!SSL_CTX_set_cipher_list(ctx, TLS_DEFAULT_CIPHERS)) {
		ssl_err_text(e, sizeof e);
		ERR("%s: the default cipher list %s: %s", typed, TLS_DEFAULT_CIPHERS, e);
		return -1;
	}
	if (opt_take_str(l, OPT_TLS_CIPHER, &s) && s) {
		cfg->cipher = strdup(s);
		int ok12 = SSL_CTX_set_cipher_list(ctx, s);
		ERR_clear_error();
		int ok13 = 0;
		if (!ok12 && !cfg->dtls)
			ok13 = SSL_CTX_set_ciphersuites(ctx, s);
		ERR_clear_error();
		if (!ok12 && !ok13) {
			ERR("%s: cipher=%s: no cipher matches (see `openssl ciphers -v '%s'`; TLS 1.3 suites are "
			    "named like TLS_AES_128_GCM_SHA256)", typed, s, s);
			return -1;
		}
	}
	if (opt_take_str(l, OPT_TLS_COMPRESS, &s) && s) {
		if (strcasecmp(s, "none") == 0) {
			SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION);
		} else if (strcasecmp(s, "auto") == 0) {
			SSL_CTX_clear_options(ctx, SSL_OP_NO_COMPRESSION);
		} else {
			ERR("%s: compress=%s: use none or auto", typed, s);
			return -1;
		}
	}
	return 0;
}

/* Session tickets and record fragments: no-ticket, maxfraglen, maxsendfrag. */
static int cfg_records(struct tls_cfg *cfg, struct opt_list *l)
{
	const char *typed = cfg->typed;
	SSL_CTX *ctx = cfg->ctx;
	bool b;
	long long v;

	if (opt_take_bool(l, OPT_TLS_NO_TICKET, &b) && b) {
		SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
		if (cfg->server)
			SSL_CTX_set_num_tickets(ctx, 0);
	}
	if (opt_take_int(l, OPT_TLS_MAXFRAGLEN, &v)) {
		int mode = v == 512 ? TLSEXT_max_fragment_length_512 : v == 1024 ? TLSEXT_max_fragment_length_1024
				 : v == 2048 ? TLSEXT_max_fragment_length_2048 : v == 4096 ? TLSEXT_max_fragment_length_4096 : -1;
		if (mode < 0) {
			ERR("%s: maxfraglen=%lld: use 512, 1024, 2048 or 4096", typed, v);
			return -1;
		}
		if (!cfg->server)
			SSL_CTX_set_tlsext_max_fragment_length(ctx, (uint8_t)mode);
	}
	if (opt_take_int(l, OPT_TLS_MAXSENDFRAG, &v)) {
		if (v < 512 || v > 16384) {
			ERR("%s: maxsendfrag=%lld: use 512..16384", typed, v);
			return -1;
		}
		SSL_CTX_set_max_send_fragment(ctx, (long)v);
	}
	return 0;
}

/* The private key kf for the loaded certificate cert (key= names the key file, else the
 * certificate's file holds it). */
static int cfg_load_key(struct tls_cfg *cfg, const char *cert, const char *key)
{
	const char *typed = cfg->typed;
	const char *kf = key ? key : cert;
	char e[300];

	if (SSL_CTX_use_PrivateKey_file(cfg->ctx, kf, SSL_FILETYPE_PEM) != 1) {
		unsigned long le = ERR_peek_last_error();
		if (ERR_GET_REASON(le) == X509_R_KEY_VALUES_MISMATCH || ERR_GET_REASON(le) == X509_R_KEY_TYPE_MISMATCH) {
			ERR_clear_error();
			ERR("%s: the private key %s does not belong to the certificate %s", typed, kf, cert);
			return -1;
		}
		ssl_err_text(e, sizeof e);
		if (key)
			ERR("%s: key=%s: cannot load a PEM private key: %s", typed, kf, e);
		else
			ERR("%s: cert=%s holds no private key (%s); give it with key=FILE", typed, kf, e);
		return -1;
	}
	if (SSL_CTX_check_private_key(cfg->ctx) != 1) {
		ERR("%s: the private key %s does not belong to the certificate %s", typed, kf, cert);
		ERR_clear_error();
		return -1;
	}
	return 0;
}

/* own certificate and key (cert=, key=) and the DH parameters (dhparam=, else automatic for
 * servers) */
static int cfg_own_cert(struct tls_cfg *cfg, struct opt_list *l)
{
	const char *typed = cfg->typed;
	SSL_CTX *ctx = cfg->ctx;
	const char *s;
	char e[300];

	const char *cert = NULL, *key = NULL;
	opt_take_str(l, OPT_TLS_CERT, &cert);
	opt_take_str(l, OPT_TLS_KEY, &key);
	if (key && !cert) {
		ERR("%s: key=%s without cert=: give the certificate too", typed, key);
		return -1;
	}
	if (cert) {
		cfg->certfile = strdup(cert);
		if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
			ssl_err_text(e, sizeof e);
			ERR("%s: cert=%s: cannot load a PEM certificate: %s%s", typed, cert, e,
			    access(cert, R_OK) < 0 ? " (file not readable)" : "");
			return -1;
		}
		if (cfg_load_key(cfg, cert, key) < 0)
			return -1;
		cfg->have_cert = true;
	} else if (cfg->server) {
		WARN("%s: no certificate given; clients will fail the handshake. Give cert=FILE (PEM with "
		     "certificate and key); make a test one with: openssl req -x509 -newkey rsa:2048 -nodes "
		     "-subj /CN=localhost -keyout key.pem -out cert.pem", typed);
	}
	if (opt_take_str(l, OPT_TLS_DHPARAM, &s) && s) {
		BIO *bio = BIO_new_file(s, "r");
		EVP_PKEY *dh = bio ? PEM_read_bio_Parameters(bio, NULL) : NULL;
		BIO_free(bio);
		if (!dh || !SSL_CTX_set0_tmp_dh_pkey(ctx, dh)) {
			ssl_err_text(e, sizeof e);
			ERR("%s: dhparam=%s: cannot load DH parameters: %s", typed, s, e);
			EVP_PKEY_free(dh);
			return -1;
		}
	} else if (cfg->server) {
		SSL_CTX_set_dh_auto(ctx, 1);
	}
	return 0;
}

/* The trusted certificates: cafile=/capath=, else the system's when verifying. */
static int cfg_trust(struct tls_cfg *cfg, const char *cafile, const char *capath)
{
	char e[300];

	if (cafile)
		cfg->cafile = strdup(cafile);
	if (capath)
		cfg->capath = strdup(capath);
	if (cafile || capath) {
		if (SSL_CTX_load_verify_locations(cfg->ctx, cafile, capath) != 1) {
			ssl_err_text(e, sizeof e);
			ERR("%s: %s%s%s%s%s: cannot load trusted certificates: %s", cfg->typed, cafile ? "cafile=" : "",
			    cafile ? cafile : "", cafile && capath ? ", " : "", capath ? "capath=" : "", capath ? capath : "", e);
			return -1;
		}
		if (cfg->server && cafile) {
			STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(cafile);
			if (names)
				SSL_CTX_set_client_CA_list(cfg->ctx, names);
			ERR_clear_error();
		}
	} else if (cfg->verify) {
		SSL_CTX_set_default_verify_paths(cfg->ctx);
	}
	return 0;
}

/* verification: verify=, the trusted certificates, and the peer name to check (commonname=,
 * else the host for clients); *cn and *have_cn tell the SNI step what commonname= gave */
static int cfg_verify(struct tls_cfg *cfg, struct opt_list *l, const char *host, const char **cn, bool *have_cn)
{
	const char *typed = cfg->typed;
	bool server = cfg->server;
	bool b;

	cfg->verify = true;
	if (opt_take_bool(l, OPT_TLS_VERIFY, &b))
		cfg->verify = b;
	const char *cafile = NULL, *capath = NULL;
	opt_take_str(l, OPT_TLS_CAFILE, &cafile);
	opt_take_str(l, OPT_TLS_CAPATH, &capath);
	*cn = NULL;
	*have_cn = opt_take_str(l, OPT_TLS_COMMONNAME, cn);
	if (cfg_trust(cfg, cafile, capath) < 0)
		return -1;
	if (cfg->verify) {
		SSL_CTX_set_verify(cfg->ctx, SSL_VERIFY_PEER | (server ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), tls_verify_cb);
	} else {
		SSL_CTX_set_verify(cfg->ctx, SSL_VERIFY_NONE, NULL);
		if (server)
			NOTE("%s: verify=0: client certificates are neither requested nor checked", typed);
		else
			WARN("%s: verify=0: the server's certificate is not checked; anyone in the path can read "
			     "and change this connection (trust the server with cafile=FILE instead)", typed);
	}
	/* the name to check: commonname= (empty: none), else the host (clients) */
	const char *name = *have_cn ? *cn : server ? NULL : host;
	if (name && *name && cfg->verify) {
		cfg->checkname = strip_brackets(name);
		cfg->checkname_given = *have_cn;
		cfg->checkname_ip = is_ip_literal(name);
		X509_VERIFY_PARAM *vp = SSL_CTX_get0_param(cfg->ctx);
		int ok = cfg->checkname_ip ? X509_VERIFY_PARAM_set1_ip_asc(vp, cfg->checkname)
					   : X509_VERIFY_PARAM_set1_host(vp, cfg->checkname, 0);
		if (!ok) {
			ERR("%s: cannot check the peer name \"%s\"", typed, cfg->checkname);
			return -1;
		}
	}
	return 0;
}

/* SNI (clients): snihost=, else the host when it is a name; nosni turns it off. A server
 * takes both options and has no use for them. */
static void cfg_sni(struct tls_cfg *cfg, struct opt_list *l, const char *host, const char *cn, bool have_cn)
{
	if (!cfg->server) {
		if (host)
			cfg->host = strdup(host);
		const char *sni = NULL;
		bool nosni = false;
		opt_take_bool(l, OPT_TLS_NOSNI, &nosni);
		opt_take_str(l, OPT_TLS_SNIHOST, &sni);
		if (nosni) {
			cfg->nosni_why = "nosni was given";
		} else if (sni && *sni) {
			cfg->sni = strdup(sni);
		} else if (have_cn && cn && *cn && !is_ip_literal(cn)) {
			cfg->sni = strdup(cn);
		} else if (host && !is_ip_literal(host)) {
			cfg->sni = strip_brackets(host);
		} else {
			cfg->nosni_why = "the target is an IP address";
		}
	} else {
		bool nb;
		const char *s;
		opt_take_bool(l, OPT_TLS_NOSNI, &nb);
		opt_take_str(l, OPT_TLS_SNIHOST, &s);
	}
}

/* ALPN (alpn=) and, for DTLS servers, the cookie exchange (dtls-cookie=). */
static int cfg_alpn_cookies(struct tls_cfg *cfg, struct opt_list *l)
{
	const char *typed = cfg->typed;
	bool server = cfg->server, dtls = cfg->dtls;
	const char *s;

	if (opt_take_str(l, OPT_TLS_ALPN, &s) && s) {
		if (parse_alpn(s, &cfg->alpn, &cfg->alpnlen) < 0) {
			ERR("%s: alpn=%s: give protocol names separated by ';' (h2;http/1.1), each up to 255 bytes", typed, s);
			return -1;
		}
		if (server)
			SSL_CTX_set_alpn_select_cb(cfg->ctx, alpn_select_cb, cfg);
		else if (SSL_CTX_set_alpn_protos(cfg->ctx, cfg->alpn, (unsigned)cfg->alpnlen) != 0) {
			ERR("%s: alpn=%s: not accepted by OpenSSL", typed, s);
			return -1;
		}
	}
	bool cookies = true;
	if (opt_take_bool(l, OPT_TLS_DTLS_COOKIE, &cookies) && !(dtls && server)) {
		ERR("%s: dtls-cookie is an option of DTLS servers (DTLS-LISTEN, OPENSSL-DTLS-SERVER) only", typed);
		return -1;
	}
	if (dtls && server && cookies && dtls_cookies_setup(cfg) < 0)
		return -1;
	if (dtls && server && !cookies)
		NOTE("%s: dtls-cookie=0: any source address, forged or not, gets the certificate flight and becomes the peer",
		     typed);
	return 0;
}

struct tls_cfg *tls_cfg_new(struct xio_open *op, bool server, bool dtls, const char *host)
{
	struct tls_cfg *cfg = calloc(1, sizeof *cfg);
	if (!cfg) {
		ERR("out of memory");
		return NULL;
	}
	cfg->server = server;
	cfg->dtls = dtls;
	snprintf(cfg->typed, sizeof cfg->typed, "%s", op->typed ? op->typed : op->h->name);
	struct opt_list *l = &op->opts;
	const char *cn;
	bool have_cn;

	if (cfg_fips(cfg, l) < 0 || cfg_ctx_new(cfg) < 0 || cfg_versions(cfg, op) < 0 ||
	    cfg_ciphers(cfg, l) < 0 || cfg_records(cfg, l) < 0 || cfg_own_cert(cfg, l) < 0 ||
	    cfg_verify(cfg, l, host, &cn, &have_cn) < 0)
		goto fail;
	cfg_sni(cfg, l, host, cn, have_cn);
	if (cfg_alpn_cookies(cfg, l) < 0)
		goto fail;
	(void)tls_conn_idx();
	return cfg;
fail:
	tls_cfg_free(cfg);
	return NULL;
}
