/* Option table: tcp family. One row per option; see opt.h for the row fields.
 * Groups, value types and phases follow socat 1.8 (real phases, not the -hhh column). */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "opt/opt_int.h"

/* clang-format off */
static const char *const al_tcp_cork[] = { "cork", NULL };
static const char *const al_tcp_defer_accept[] = { "defer-accept", NULL };
static const char *const al_tcp_info[] = { "info", NULL };
static const char *const al_tcp_keepcnt[] = { "keepcnt", NULL };
static const char *const al_tcp_keepidle[] = { "keepidle", NULL };
static const char *const al_tcp_keepintvl[] = { "keepintvl", NULL };
static const char *const al_tcp_linger2[] = { "linger2", NULL };
static const char *const al_tcp_maxseg[] = { "maxseg", "mss", NULL };
static const char *const al_tcp_maxseg_late[] = { "maxseg-late", "mss-late", NULL };
static const char *const al_tcp_nodelay[] = { "nodelay", NULL };
static const char *const al_tcp_quickack[] = { "quickack", NULL };
static const char *const al_tcp_syncnt[] = { "syncnt", NULL };
static const char *const al_tcp_window_clamp[] = { "window-clamp", NULL };

const struct opt_def opt_rows_tcp[] = {
	{ .name = "tcp-cork", .aliases = al_tcp_cork, .type = OT_INT, .groups = G(TCP),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_TCP, .a2 = TCP_CORK, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_TCP/TCP_CORK" },
	{ .name = "tcp-defer-accept", .aliases = al_tcp_defer_accept, .type = OT_INT, .groups = G(TCP),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_TCP, .a2 = TCP_DEFER_ACCEPT, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_TCP/TCP_DEFER_ACCEPT" },
	{ .name = "tcp-info", .aliases = al_tcp_info, .type = OT_INT, .groups = G(TCP),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_TCP, .a2 = TCP_INFO, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_TCP/TCP_INFO" },
	{ .name = "tcp-keepcnt", .aliases = al_tcp_keepcnt, .type = OT_INT, .groups = G(TCP),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_TCP, .a2 = TCP_KEEPCNT, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_TCP/TCP_KEEPCNT" },
	{ .name = "tcp-keepidle", .aliases = al_tcp_keepidle, .type = OT_INT, .groups = G(TCP),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_TCP, .a2 = TCP_KEEPIDLE, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_TCP/TCP_KEEPIDLE" },
	{ .name = "tcp-keepintvl", .aliases = al_tcp_keepintvl, .type = OT_INT, .groups = G(TCP),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_TCP, .a2 = TCP_KEEPINTVL, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_TCP/TCP_KEEPINTVL" },
	{ .name = "tcp-linger2", .aliases = al_tcp_linger2, .type = OT_INT, .groups = G(TCP),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_TCP, .a2 = TCP_LINGER2, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_TCP/TCP_LINGER2" },
	{ .name = "tcp-maxseg", .aliases = al_tcp_maxseg, .type = OT_INT, .groups = G(TCP),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_TCP, .a2 = TCP_MAXSEG, .a3 = 0, .id = OPT_NONE,
	  .help = "TCP_MAXSEG before connect/listen" },
	{ .name = "tcp-maxseg-late", .aliases = al_tcp_maxseg_late, .type = OT_INT, .groups = G(TCP),
	  .phase = PH_CONNECTED, .how = OH_SOCKOPT, .a1 = IPPROTO_TCP, .a2 = TCP_MAXSEG, .a3 = 0, .id = OPT_NONE,
	  .help = "TCP_MAXSEG once connected" },
	{ .name = "tcp-md5sig", .aliases = NULL, .type = OT_INT, .groups = G(TCP),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_TCP, .a2 = TCP_MD5SIG, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_TCP/TCP_MD5SIG" },
	{ .name = "tcp-nodelay", .aliases = al_tcp_nodelay, .type = OT_INT, .groups = G(TCP),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_TCP, .a2 = TCP_NODELAY, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_TCP/TCP_NODELAY (duct sets 1 by default; 0 turns Nagle back on)" },
	{ .name = "tcp-quickack", .aliases = al_tcp_quickack, .type = OT_INT, .groups = G(TCP),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_TCP, .a2 = TCP_QUICKACK, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_TCP/TCP_QUICKACK" },
	{ .name = "tcp-syncnt", .aliases = al_tcp_syncnt, .type = OT_INT, .groups = G(TCP),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_TCP, .a2 = TCP_SYNCNT, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_TCP/TCP_SYNCNT" },
	{ .name = "tcp-window-clamp", .aliases = al_tcp_window_clamp, .type = OT_INT, .groups = G(TCP),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_TCP, .a2 = TCP_WINDOW_CLAMP, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_TCP/TCP_WINDOW_CLAMP" },
	{ .name = NULL }
};
