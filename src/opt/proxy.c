/* Option table: proxy family. One row per option; see opt.h for the row fields.
 * Groups, value types and phases follow socat 1.8 (real phases, not the -hhh column). */
#include "opt/opt_int.h"

/* clang-format off */
static const char *const al_proxy_authorization[] = { "proxy-auth", "proxyauth", NULL };
static const char *const al_proxy_authorization_file[] = { "proxyauthfile", NULL };
static const char *const al_proxy_resolve[] = { "resolv", "resolve", NULL };
static const char *const al_sockspass[] = { "socks-password", "sockspassword", NULL };

static const char *const send_proxy_values[] = { "v1", "v2", NULL };

const struct opt_def opt_rows_proxy[] = {
	{ .name = "accept-proxy", .aliases = NULL, .type = OT_BOOL, .groups = G(LISTEN) | G(RANGE),
	  .phase = PH_ACCEPT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_ACCEPT_PROXY,
	  .help = "read a PROXY protocol header (v1 or v2) first; its client is the peer from then on" },
	{ .name = "http-version", .aliases = NULL, .type = OT_STRING, .groups = G(HTTP),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_HTTP_VERSION,
	  .help = "HTTP version in the CONNECT request (default 1.0)" },
	{ .name = "ignorecr", .aliases = NULL, .type = OT_BOOL, .groups = G(HTTP),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_IGNORECR,
	  .help = "accept bare LF line ends in the proxy reply" },
	{ .name = "proxy-authorization", .aliases = al_proxy_authorization, .type = OT_STRING, .groups = G(HTTP),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_PROXY_AUTH,
	  .help = "user:password sent to the proxy as Basic authorization (HTTP-PROXY-SERVER: the login it asks for)" },
	{ .name = "proxy-authorization-file", .aliases = al_proxy_authorization_file, .type = OT_STRING, .groups = G(HTTP),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_PROXY_AUTH_FILE,
	  .help = "file holding user:password for the proxy" },
	{ .name = "proxy-resolve", .aliases = al_proxy_resolve, .type = OT_BOOL, .groups = G(HTTP),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_PROXY_RESOLVE,
	  .help = "resolve the target locally and send the address to the proxy" },
	{ .name = "proxy-ports", .aliases = NULL, .type = OT_STRING, .groups = G(SOCKS) | G(HTTP),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_PROXY_PORTS,
	  .help = "SOCKS-SERVER, HTTP-PROXY-SERVER: destination ports allowed, PORT or LOW-HIGH" },
	{ .name = "proxy-range", .aliases = NULL, .type = OT_STRING, .groups = G(SOCKS) | G(HTTP),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_PROXY_RANGE,
	  .help = "SOCKS-SERVER, HTTP-PROXY-SERVER: destinations allowed (ADDR/BITS, '|'-separated; repeatable)" },
	{ .name = "proxy-users", .aliases = NULL, .type = OT_STRING, .groups = G(SOCKS) | G(HTTP),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_PROXY_USERS,
	  .help = "SOCKS-SERVER, HTTP-PROXY-SERVER: file of user:password lines; SOCKS5 login or HTTP Basic required" },
	{ .name = "proxyport", .aliases = NULL, .type = OT_STRING, .groups = G(HTTP),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_PROXYPORT,
	  .help = "HTTP proxy port (default 8080)" },
	{ .name = "send-proxy", .aliases = NULL, .type = OT_STRING, .groups = G(TCP) | G(UNIX),
	  .phase = PH_CONNECTED, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SEND_PROXY,
	  .values = send_proxy_values,
	  .help = "write a PROXY protocol header (v1 or v2) naming the first address's peer, before any data" },
	{ .name = "socksport", .aliases = NULL, .type = OT_STRING, .groups = G(SOCKS),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SOCKSPORT,
	  .help = "SOCKS server port (default 1080)" },
	{ .name = "sockspass", .aliases = al_sockspass, .type = OT_STRING, .groups = G(SOCKS),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SOCKS_PASSWORD,
	  .help = "SOCKS5 password (username/password authentication with socksuser; beyond socat; SOCKS-SERVER: the login it asks for)" },
	{ .name = "socksuser", .aliases = NULL, .type = OT_STRING, .groups = G(SOCKS),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SOCKSUSER,
	  .help = "SOCKS4 user id (default $LOGNAME or $USER); SOCKS5 user name with sockspass" },
	{ .name = NULL }
};
