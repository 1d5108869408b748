/* TLS failures as messages that say what failed and what to do: an untrusted chain (subject,
 * issuer, SHA-256 fingerprint, how to trust it), a name mismatch (the names in the certificate
 * and the name checked), no common protocol version or cipher, an alert from the peer and its
 * meaning, a probably missing SNI, a peer that does not speak TLS. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "common/log.h"
#include "xio/tls.h"

void tls_name_text(X509_NAME *n, char *buf, size_t len)
{
	buf[0] = 0;
	if (!n)
		return;
	BIO *b = BIO_new(BIO_s_mem());
	if (!b)
		return;
	X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	int k = BIO_read(b, buf, (int)len - 1);
	buf[k > 0 ? k : 0] = 0;
	BIO_free(b);
}

void tls_common_name(X509 *x, char *buf, size_t len)
{
	buf[0] = 0;
	X509_NAME *n = X509_get_subject_name(x);
	int i = n ? X509_NAME_get_index_by_NID(n, NID_commonName, -1) : -1;
	if (i < 0)
		return;
	ASN1_STRING *d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
	unsigned char *u = NULL;
	int k = ASN1_STRING_to_UTF8(&u, d);
	if (k > 0)
		snprintf(buf, len, "%.*s", k, (char *)u);
	OPENSSL_free(u);
}

void tls_cert_names(X509 *x, char *buf, size_t len)
{
	char cn[256];
	tls_common_name(x, cn, sizeof cn);
	size_t o = 0;
	int k = snprintf(buf, len, "%s%s", cn[0] ? "CN=" : "no CN", cn);
	o = k > 0 && (size_t)k < len ? (size_t)k : len - 1;
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	int n = gens ? sk_GENERAL_NAME_num(gens) : 0;
	if (n > 0 && o + 8 < len) {
		o += (size_t)snprintf(buf + o, len - o, ", SAN=[");
		for (int i = 0; i < n && o + 4 < len; i++) {
			GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
			char item[300] = "";
			if (g->type == GEN_DNS) {
				snprintf(item, sizeof item, "DNS:%.*s", ASN1_STRING_length(g->d.dNSName),
					 (const char *)ASN1_STRING_get0_data(g->d.dNSName));
			} else if (g->type == GEN_IPADD) {
				const unsigned char *a = ASN1_STRING_get0_data(g->d.iPAddress);
				int al = ASN1_STRING_length(g->d.iPAddress);
				char t[64] = "?";
				if (al == 4)
					snprintf(t, sizeof t, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
				else if (al == 16) {
					int w = 0;
					for (int j = 0; j < 16; j += 2)
						w += snprintf(t + w, sizeof t - (size_t)w, "%s%x", j ? ":" : "", a[j] << 8 | a[j + 1]);
				}
				snprintf(item, sizeof item, "IP:%s", t);
			} else if (g->type == GEN_EMAIL) {
				snprintf(item, sizeof item, "email:%.*s", ASN1_STRING_length(g->d.rfc822Name),
					 (const char *)ASN1_STRING_get0_data(g->d.rfc822Name));
			} else {
				continue;
			}
			int w = snprintf(buf + o, len - o, "%s%s", i ? ", " : "", item);
			if (w < 0 || (size_t)w >= len - o) {
				o = len - 1;
				break;
			}
			o += (size_t)w;
		}
		if (o + 2 < len) {
			buf[o++] = ']';
			buf[o] = 0;
		}
	} else if (o + 12 < len) {
		snprintf(buf + o, len - o, ", no SAN");
	}
	GENERAL_NAMES_free(gens);
}

void tls_fingerprint(X509 *x, char *buf, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	buf[0] = 0;
	if (!X509_digest(x, EVP_sha256(), md, &n))
		return;
	size_t o = 0;
	for (unsigned i = 0; i < n && o + 4 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%02X", i ? ":" : "", md[i]);
}

/* text names the IP address a (4 or 16 bytes): "127.0.0.1", "::1", "[::1]", "[0::1]" */
static bool text_is_address(const char *text, size_t tlen, const unsigned char *a, size_t alen)
{
	char b[INET6_ADDRSTRLEN + 2];
	if (tlen >= 2 && text[0] == '[' && text[tlen - 1] == ']') {
		text++;
		tlen -= 2;
	}
	if (tlen >= sizeof b || memchr(text, 0, tlen))
		return false;
	memcpy(b, text, tlen);
	b[tlen] = 0;
	unsigned char got[16];
	return inet_pton(alen == 4 ? AF_INET : AF_INET6, b, got) == 1 && memcmp(got, a, alen) == 0;
}

/* The certificate names the address checked in its CN or a DNS subjectAltName, as socat
 * accepts it (CN=127.0.0.1, CN=[::1], DNS:[::1]), also without brackets or written another
 * way (CN=::1 for [::1]); OpenSSL itself looks at IP subjectAltNames only. */
static bool cert_names_address(X509 *x, const char *addr)
{
	unsigned char a[16];
	size_t alen = inet_pton(AF_INET, addr, a) == 1 ? 4 : inet_pton(AF_INET6, addr, a) == 1 ? 16 : 0;
	if (!alen)
		return false;
	X509_NAME *n = X509_get_subject_name(x);
	for (int i = -1; n && (i = X509_NAME_get_index_by_NID(n, NID_commonName, i)) >= 0;) {
		const ASN1_STRING *d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
		if (text_is_address((const char *)ASN1_STRING_get0_data(d), (size_t)ASN1_STRING_length(d), a, alen))
			return true;
	}
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	bool found = false;
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens) && !found; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		if (g->type == GEN_DNS)
			found = text_is_address((const char *)ASN1_STRING_get0_data(g->d.dNSName),
						(size_t)ASN1_STRING_length(g->d.dNSName), a, alen);
	}
	GENERAL_NAMES_free(gens);
	return found;
}

int tls_verify_cb(int ok, X509_STORE_CTX *xs)
{
	if (ok)
		return 1;
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls_conn *t = ssl ? SSL_get_ex_data(ssl, tls_conn_idx()) : NULL;
	if (t && t->cfg && t->cfg->checkname_ip && X509_STORE_CTX_get_error(xs) == X509_V_ERR_IP_ADDRESS_MISMATCH &&
	    X509_STORE_CTX_get_error_depth(xs) == 0 &&
	    cert_names_address(X509_STORE_CTX_get_current_cert(xs), t->cfg->checkname)) {
		DBG("%s: no IP subjectAltName of the certificate is %s, but its CN or a DNS subjectAltName names that address: accepted",
		    t->name, t->cfg->checkname);
		X509_STORE_CTX_set_error(xs, X509_V_OK);
		return 1;
	}
	if (t && !t->verr) {
		t->verr = X509_STORE_CTX_get_error(xs);
		t->vdepth = X509_STORE_CTX_get_error_depth(xs);
		X509 *c = X509_STORE_CTX_get_current_cert(xs);
		if (c && X509_up_ref(c))
			t->vcert = c;
	}
	return 0;
}

static const char *verify_hint(int err)
{
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return "the certificate has expired: renew it (or check this host's clock)";
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return "the certificate is not valid yet: check the clocks";
	case X509_V_ERR_INVALID_PURPOSE:
		return "the certificate is not meant for this use (extended key usage)";
	case X509_V_ERR_CA_KEY_TOO_SMALL:
	case X509_V_ERR_EE_KEY_TOO_SMALL:
		return "the key is too small for this OpenSSL's security level";
	}
	return NULL;
}

static bool untrusted(int err)
{
	return err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT || err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
	       err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY || err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	       err == X509_V_ERR_CERT_UNTRUSTED || err == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
}

static void log_verify_failure(const struct tls_cfg *cfg, const struct tls_conn *t)
{
	const char *who = cfg->server ? "client" : "server";
	char names[700] = "", subj[400] = "", iss[400] = "", fp[120] = "";
	X509 *x = t->vcert;
	if (x) {
		tls_cert_names(x, names, sizeof names);
		tls_name_text(X509_get_subject_name(x), subj, sizeof subj);
		tls_name_text(X509_get_issuer_name(x), iss, sizeof iss);
		tls_fingerprint(x, fp, sizeof fp);
	}
	int err = t->verr;
	if (err == X509_V_ERR_HOSTNAME_MISMATCH || err == X509_V_ERR_IP_ADDRESS_MISMATCH ||
	    err == X509_V_ERR_EMAIL_MISMATCH) {
		ERR("%s: TLS with %s: the %s certificate (%s) does not match the %s \"%s\"; connect with a name "
		    "it carries, check another name with commonname=NAME, or skip the check (insecure) with verify=0",
		    t->name, t->peer, who, names, cfg->checkname_given ? "commonname" : cfg->checkname_ip ? "address" : "name",
		    cfg->checkname ? cfg->checkname : "");
		return;
	}
	if (untrusted(err)) {
		const char *why = X509_verify_cert_error_string(err);
		char trust[400];
		if (cfg->cafile || cfg->capath)
			snprintf(trust, sizeof trust, "%s%s%s%s does not hold its issuer; add the issuing CA's certificate there",
				 cfg->cafile ? "cafile=" : "capath=", cfg->cafile ? cfg->cafile : cfg->capath, "", "");
		else
			snprintf(trust, sizeof trust, "no cafile= was given, so only the system's CAs are trusted");
		ERR("%s: TLS with %s: untrusted %s certificate chain (%s): subject \"%s\", issuer \"%s\", SHA-256 %s; "
		    "%s; trust it with cafile=FILE (the issuing CA's PEM, or this certificate itself when it is "
		    "self-signed), or skip verification (insecure) with verify=0",
		    t->name, t->peer, who, why, subj, iss, fp, trust);
		return;
	}
	const char *hint = verify_hint(err);
	ERR("%s: TLS with %s: the %s certificate failed verification at depth %d: %s (subject \"%s\", issuer "
	    "\"%s\", SHA-256 %s)%s%s",
	    t->name, t->peer, who, t->vdepth, X509_verify_cert_error_string(err), subj, iss, fp, hint ? "; " : "",
	    hint ? hint : "");
}

/* RFC 8446 alert names (OpenSSL 3.0 doesn't name the TLS 1.3 ones) */
static const char *alert_name(int a)
{
	switch (a) {
	case 0: return "close_notify";
	case 10: return "unexpected_message";
	case 20: return "bad_record_mac";
	case 21: return "decryption_failed";
	case 22: return "record_overflow";
	case 30: return "decompression_failure";
	case 40: return "handshake_failure";
	case 41: return "no_certificate";
	case 42: return "bad_certificate";
	case 43: return "unsupported_certificate";
	case 44: return "certificate_revoked";
	case 45: return "certificate_expired";
	case 46: return "certificate_unknown";
	case 47: return "illegal_parameter";
	case 48: return "unknown_ca";
	case 49: return "access_denied";
	case 50: return "decode_error";
	case 51: return "decrypt_error";
	case 60: return "export_restriction";
	case 70: return "protocol_version";
	case 71: return "insufficient_security";
	case 80: return "internal_error";
	case 86: return "inappropriate_fallback";
	case 90: return "user_canceled";
	case 100: return "no_renegotiation";
	case 109: return "missing_extension";
	case 110: return "unsupported_extension";
	case 111: return "certificate_unobtainable";
	case 112: return "unrecognized_name";
	case 113: return "bad_certificate_status_response";
	case 114: return "bad_certificate_hash_value";
	case 115: return "unknown_psk_identity";
	case 116: return "certificate_required";
	case 120: return "no_application_protocol";
	}
	return "unknown alert";
}

static const char *alert_meaning(int alert, const struct tls_cfg *cfg, bool got_peer_cert)
{
	switch (alert) {
	case SSL_AD_CERTIFICATE_REQUIRED:
		return "the server requires a client certificate: give one with cert=FILE (and key=FILE)";
	case SSL_AD_UNKNOWN_CA:
		return cfg->have_cert ? "the peer does not trust the CA that issued our certificate (cert=): add that CA to the peer's trusted CAs"
				      : "the peer does not trust the issuer of a certificate";
	case SSL_AD_BAD_CERTIFICATE:
	case SSL_AD_UNSUPPORTED_CERTIFICATE:
	case SSL_AD_CERTIFICATE_UNKNOWN:
		return "the peer rejected our certificate (cert=): check that it is the right one and trusted by the peer";
	case SSL_AD_CERTIFICATE_EXPIRED:
		return "the peer says our certificate (cert=) has expired";
	case SSL_AD_CERTIFICATE_REVOKED:
		return "the peer says our certificate was revoked";
	case SSL_AD_PROTOCOL_VERSION:
		return "no protocol version in common: compare min-version/max-version with what the peer allows";
	case SSL_AD_INSUFFICIENT_SECURITY:
	case SSL_AD_HANDSHAKE_FAILURE:
		if (!cfg->server && !got_peer_cert && !cfg->sni && cfg->nosni_why)
			return NULL; /* SNI hint below */
		if (!cfg->server && got_peer_cert && !cfg->have_cert)
			return "the server probably requires a client certificate: give one with cert=FILE (and key=FILE)";
		return "no cipher or parameters in common: compare cipher=, min-version/max-version and the "
		       "certificate's key type with what the peer allows";
	case SSL_AD_UNRECOGNIZED_NAME:
		return "the server does not serve the name sent with SNI: give the right one with snihost=NAME";
	case SSL_AD_NO_APPLICATION_PROTOCOL:
		return "no ALPN protocol in common: check alpn=";
	case SSL_AD_ACCESS_DENIED:
		return "the peer denies access (a valid certificate that it does not accept)";
	case SSL_AD_DECRYPT_ERROR:
		return "a signature or key check failed: the key may not match the certificate";
	case SSL_AD_ILLEGAL_PARAMETER:
	case SSL_AD_DECODE_ERROR:
	case SSL_AD_UNEXPECTED_MESSAGE:
		return "the peer found our messages malformed (an implementation mismatch)";
	case SSL_AD_INTERNAL_ERROR:
		return "the peer had an internal error";
	}
	return NULL;
}

void tls_log_handshake_failure(const struct tls_cfg *cfg, struct tls_conn *t, int sslerr, int sys_errno)
{
	bool got_peer_cert = SSL_get0_peer_certificate(t->ssl) != NULL;
	const char *what = cfg->dtls ? "DTLS" : "TLS";
	if (t->verr) {
		log_verify_failure(cfg, t);
		ERR_clear_error();
		return;
	}
	unsigned long e = ERR_peek_error();
	/* the last queued error is the most specific one */
	unsigned long el;
	while ((el = ERR_get_error()) != 0)
		e = el;
	int lib = ERR_GET_LIB(e), reason = ERR_GET_REASON(e);
	if (sslerr == SSL_ERROR_SYSCALL || (!e && sslerr != SSL_ERROR_SSL)) {
		if (sys_errno) {
			ERR("%s: %s handshake with %s: %s", t->name, what, t->peer, strerror(sys_errno));
			return;
		}
		goto closed;
	}
	if (lib == ERR_LIB_SSL && reason >= SSL_AD_REASON_OFFSET && reason < SSL_AD_REASON_OFFSET + 256) {
		int alert = reason - SSL_AD_REASON_OFFSET;
		const char *desc = alert_name(alert);
		const char *meaning = alert_meaning(alert, cfg, got_peer_cert);
		if (!meaning && !cfg->server && !got_peer_cert && !cfg->sni && cfg->nosni_why &&
		    (alert == SSL_AD_HANDSHAKE_FAILURE || alert == SSL_AD_INSUFFICIENT_SECURITY)) {
			ERR("%s: %s handshake with %s: the server sent alert %d (%s) before its certificate; it "
			    "probably needs SNI, and none was sent because %s; give the name with snihost=NAME",
			    t->name, what, t->peer, alert, desc, cfg->nosni_why);
			return;
		}
		ERR("%s: %s handshake with %s: the %s sent alert %d (%s)%s%s", t->name, what, t->peer,
		    cfg->server ? "client" : "server", alert, desc, meaning ? "; " : "", meaning ? meaning : "");
		return;
	}
	if (lib == ERR_LIB_SSL) {
		switch (reason) {
		case SSL_R_NO_SHARED_CIPHER:
			ERR("%s: %s handshake with %s: no cipher in common with the client%s%s%s", t->name, what, t->peer,
			    cfg->cipher ? " (cipher=" : "", cfg->cipher ? cfg->cipher : "", cfg->cipher ? ")" : "");
			return;
		case SSL_R_UNSUPPORTED_PROTOCOL:
		case SSL_R_NO_PROTOCOLS_AVAILABLE:
		case SSL_R_VERSION_TOO_LOW:
		case SSL_R_VERSION_TOO_HIGH:
		case SSL_R_WRONG_SSL_VERSION:
			ERR("%s: %s handshake with %s: no protocol version in common (%s); compare "
			    "min-version/max-version with what the peer allows",
			    t->name, what, t->peer, ERR_reason_error_string(e));
			return;
		case SSL_R_WRONG_VERSION_NUMBER:
		case SSL_R_HTTP_REQUEST:
		case SSL_R_HTTPS_PROXY_REQUEST:
		case SSL_R_PACKET_LENGTH_TOO_LONG:
		case SSL_R_RECORD_LENGTH_MISMATCH:
			ERR("%s: %s handshake with %s: the peer does not speak %s (%s)%s", t->name, what, t->peer, what,
			    ERR_reason_error_string(e),
			    reason == SSL_R_HTTP_REQUEST ? "; it sent a plain HTTP request: the client must use https:// (TLS) on this port"
							 : "; is this the right port, or is it a plain-text service?");
			return;
		case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
			ERR("%s: %s handshake with %s: the client sent no certificate, but verify=1 requires one; give "
			    "the client cert=FILE, or accept clients without certificates with verify=0",
			    t->name, what, t->peer);
			return;
		case SSL_R_CERTIFICATE_VERIFY_FAILED:
			ERR("%s: %s handshake with %s: the peer certificate failed verification", t->name, what, t->peer);
			return;
		case SSL_R_UNEXPECTED_EOF_WHILE_READING:
			goto closed;
		}
	}
	{
		char buf[256];
		ERR_error_string_n(e, buf, sizeof buf);
		ERR("%s: %s handshake with %s failed: %s", t->name, what, t->peer, e ? buf : "unknown error");
	}
	return;
closed:
	if (!cfg->server && !got_peer_cert && !cfg->sni && cfg->nosni_why)
		ERR("%s: %s handshake with %s: the server closed the connection before sending its certificate; "
		    "it may need SNI, and none was sent because %s (give the name with snihost=NAME), or it "
		    "does not speak %s",
		    t->name, what, t->peer, cfg->nosni_why, what);
	else if (!cfg->server && !got_peer_cert)
		ERR("%s: %s handshake with %s: the server closed the connection before sending its certificate "
		    "(does it speak %s on this port?)", t->name, what, t->peer, what);
	else
		ERR("%s: %s handshake with %s: the %s closed the connection during the handshake%s", t->name, what,
		    t->peer, cfg->server ? "client" : "server",
		    cfg->server ? " (it may not trust our certificate; see its own messages)" : "");
}

void tls_log_transfer_error(struct tls_conn *t, const char *op, struct ep_report *rep)
{
	unsigned long e, last = 0;
	while ((e = ERR_get_error()) != 0)
		last = e;
	char buf[256] = "unknown error";
	if (last)
		ERR_error_string_n(last, buf, sizeof buf);
	int reason = ERR_GET_REASON(last);
	if (ERR_GET_LIB(last) == ERR_LIB_SSL && reason >= SSL_AD_REASON_OFFSET && reason < SSL_AD_REASON_OFFSET + 256) {
		int alert = reason - SSL_AD_REASON_OFFSET;
		const char *meaning = NULL;
		if (alert == SSL_AD_CERTIFICATE_REQUIRED)
			meaning = "the server requires a client certificate: give one with cert=FILE (and key=FILE)";
		else if (alert == SSL_AD_UNKNOWN_CA || alert == SSL_AD_BAD_CERTIFICATE || alert == SSL_AD_CERTIFICATE_UNKNOWN)
			meaning = "the peer rejected our certificate (cert=): it must be issued by a CA the peer trusts";
		else if (alert == SSL_AD_CERTIFICATE_EXPIRED)
			meaning = "the peer says our certificate (cert=) has expired";
		ERR("%s: TLS %s with %s: the peer sent alert %d (%s)%s%s", t->name, op, t->peer, alert, alert_name(alert),
		    meaning ? "; " : "", meaning ? meaning : "");
		snprintf(rep->end_reason, sizeof rep->end_reason, "tls-alert");
		snprintf(rep->error, sizeof rep->error, "alert %d (%s)", alert, alert_name(alert));
		return;
	}
	ERR("%s: TLS %s with %s: %s", t->name, op, t->peer, buf);
}
