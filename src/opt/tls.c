/* Option table: tls family. One row per option; see opt.h for the row fields.
 * Groups, value types and phases follow socat 1.8 (real phases, not the -hhh column). */
#include "opt/opt_int.h"

/* clang-format off */
static const char *const al_openssl_alpn[] = { "alpn", NULL };
static const char *const al_openssl_cafile[] = { "cafile", NULL };
static const char *const al_openssl_capath[] = { "capath", NULL };
static const char *const al_openssl_certificate[] = { "cert", "certificate", NULL };
static const char *const al_openssl_cipherlist[] = { "cipher", "cipherlist", "ciphers", NULL };
static const char *const al_openssl_commonname[] = { "cn", "commonname", NULL };
static const char *const al_openssl_compress[] = { "compress", NULL };
static const char *const al_openssl_dhparam[] = { "dh", "dhparam", "dhparams", "openssl-dhparams", NULL };
static const char *const al_openssl_dtls_cookie[] = { "dtls-cookie", NULL };
static const char *const al_openssl_egd[] = { "egd", NULL };
static const char *const al_openssl_fips[] = { "fips", NULL };
static const char *const al_openssl_key[] = { "key", NULL };
static const char *const al_openssl_max_proto_version[] = { "max-version", NULL };
static const char *const al_openssl_maxfraglen[] = { "maxfraglen", NULL };
static const char *const al_openssl_maxsendfrag[] = { "maxsendfrag", NULL };
static const char *const al_openssl_method[] = { "method", NULL };
static const char *const al_openssl_min_proto_version[] = { "min-version", NULL };
static const char *const al_openssl_no_sni[] = { "no-sni", "nosni", NULL };
static const char *const al_openssl_no_ticket[] = { "no-ticket", NULL };
static const char *const al_openssl_pseudo[] = { "pseudo", NULL };
static const char *const al_openssl_snihost[] = { "snihost", NULL };
static const char *const al_openssl_verify[] = { "verify", NULL };

const struct opt_def opt_rows_tls[] = {
	{ .name = "handshake-timeout", .aliases = NULL, .type = OT_TIMEVAL, .groups = G(OPENSSL) | G(SOCKS) | G(HTTP) | G(WS) | G(LISTEN) | G(RANGE),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_HANDSHAKE_TIMEOUT,
	  .help = "give up the TLS, SOCKS, HTTP CONNECT or WebSocket handshake or the accept-proxy header after this many seconds (default 60)" },
	{ .name = "openssl-alpn", .aliases = al_openssl_alpn, .type = OT_STRING, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_ALPN,
	  .help = "comma-free list of ALPN protocols to offer, separated by ';' or '/'" },
	{ .name = "openssl-cafile", .aliases = al_openssl_cafile, .type = OT_STRING, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_CAFILE,
	  .help = "file with trusted CA certificates" },
	{ .name = "openssl-capath", .aliases = al_openssl_capath, .type = OT_STRING, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_CAPATH,
	  .help = "directory with hashed trusted CA certificates" },
	{ .name = "openssl-certificate", .aliases = al_openssl_certificate, .type = OT_STRING, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_CERT,
	  .help = "PEM file with the own certificate (and key)" },
	{ .name = "openssl-cipherlist", .aliases = al_openssl_cipherlist, .type = OT_STRING, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_CIPHER,
	  .help = "OpenSSL cipher list string (default HIGH:-NULL:-PSK:-aNULL, as socat: DSA certificates work)" },
	{ .name = "openssl-commonname", .aliases = al_openssl_commonname, .type = OT_STRING, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_COMMONNAME,
	  .help = "name the peer certificate must match instead of the host" },
	{ .name = "openssl-compress", .aliases = al_openssl_compress, .type = OT_STRING, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_COMPRESS,
	  .help = "compression: none or auto" },
	{ .name = "openssl-dhparam", .aliases = al_openssl_dhparam, .type = OT_STRING, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_DHPARAM,
	  .help = "file with DH parameters" },
	{ .name = "openssl-dtls-cookie", .aliases = al_openssl_dtls_cookie, .type = OT_BOOL, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_DTLS_COOKIE,
	  .help = "DTLS server: a client proves its address with a cookie (HelloVerifyRequest) first; 0: as socat, none (default 1)" },
	{ .name = "openssl-egd", .aliases = al_openssl_egd, .type = OT_STRING, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_EGD,
	  .help = "entropy gathering daemon socket" },
	{ .name = "openssl-fips", .aliases = al_openssl_fips, .type = OT_BOOL, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_FIPS,
	  .help = "enable FIPS mode" },
	{ .name = "openssl-key", .aliases = al_openssl_key, .type = OT_STRING, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_KEY,
	  .help = "PEM file with the private key" },
	{ .name = "openssl-max-proto-version", .aliases = al_openssl_max_proto_version, .type = OT_STRING, .groups = G(OPENSSL),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_MAX_VERSION,
	  .help = "highest protocol version" },
	{ .name = "openssl-maxfraglen", .aliases = al_openssl_maxfraglen, .type = OT_INT, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_MAXFRAGLEN,
	  .help = "client maximum fragment length (512..4096)" },
	{ .name = "openssl-maxsendfrag", .aliases = al_openssl_maxsendfrag, .type = OT_INT, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_MAXSENDFRAG,
	  .help = "maximum send fragment size (512..16384)" },
	{ .name = "openssl-method", .aliases = al_openssl_method, .type = OT_STRING, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_METHOD,
	  .help = "protocol method (only in special builds)" },
	{ .name = "openssl-min-proto-version", .aliases = al_openssl_min_proto_version, .type = OT_STRING, .groups = G(OPENSSL),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_MIN_VERSION,
	  .help = "lowest protocol version: TLS1, TLS1.1, TLS1.2, TLS1.3" },
	{ .name = "openssl-no-sni", .aliases = al_openssl_no_sni, .type = OT_BOOL, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_NOSNI,
	  .help = "do not send SNI" },
	{ .name = "openssl-no-ticket", .aliases = al_openssl_no_ticket, .type = OT_BOOL, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_NO_TICKET,
	  .help = "disable session tickets" },
	{ .name = "openssl-pseudo", .aliases = al_openssl_pseudo, .type = OT_BOOL, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_PSEUDO,
	  .help = "use a weak pseudo random generator if no entropy source exists" },
	{ .name = "openssl-snihost", .aliases = al_openssl_snihost, .type = OT_STRING, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_SNIHOST,
	  .help = "server name to send with SNI" },
	{ .name = "openssl-verify", .aliases = al_openssl_verify, .type = OT_BOOL, .groups = G(OPENSSL),
	  .phase = PH_SPEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TLS_VERIFY,
	  .help = "verify the peer certificate (default 1)" },
	{ .name = NULL }
};
