/* Option table: udp_unix family. One row per option; see opt.h for the row fields.
 * Groups, value types and phases follow socat 1.8 (real phases, not the -hhh column). */
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include "opt/opt_int.h"

#ifndef SOL_DCCP
#define SOL_DCCP 269
#endif
#ifndef DCCP_SOCKOPT_CCID
#define DCCP_SOCKOPT_CCID 13
#endif
#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif
#ifndef UDPLITE_SEND_CSCOV
#define UDPLITE_SEND_CSCOV 10
#endif
#ifndef UDPLITE_RECV_CSCOV
#define UDPLITE_RECV_CSCOV 11
#endif

/* clang-format off */
static const char *const al_dccp_set_ccid[] = { "ccid", NULL };
static const char *const al_sourceport[] = { "sp", NULL };
static const char *const al_unix_bind_tempname[] = { "bind-tempname", NULL };
static const char *const al_unix_tightsocklen[] = { "tightsocklen", NULL };

const struct opt_def opt_rows_udp_unix[] = {
	{ .name = "dccp-set-ccid", .aliases = al_dccp_set_ccid, .type = OT_BYTE, .groups = G(DCCP),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_DCCP, .a2 = DCCP_SOCKOPT_CCID, .a3 = 0, .id = OPT_NONE,
	  .help = "DCCP congestion control id" },
	{ .name = "lowport", .aliases = NULL, .type = OT_BOOL, .groups = GRP_IPAPP,
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_LOWPORT,
	  .help = "client: bind a source port 640..1023; server: refuse ports above 1023" },
	{ .name = "sourceport", .aliases = al_sourceport, .type = OT_USHORT, .groups = GRP_IPAPP,
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SOURCEPORT,
	  .help = "client: bind this source port; server: refuse other peer ports" },
	{ .name = "udplite-recv-cscov", .aliases = NULL, .type = OT_INT, .groups = G(UDPLITE),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_UDPLITE, .a2 = UDPLITE_RECV_CSCOV, .a3 = 0, .id = OPT_NONE,
	  .help = "UDP-Lite minimum checksum coverage on receive" },
	{ .name = "udplite-send-cscov", .aliases = NULL, .type = OT_INT, .groups = G(UDPLITE),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_UDPLITE, .a2 = UDPLITE_SEND_CSCOV, .a3 = 0, .id = OPT_NONE,
	  .help = "UDP-Lite checksum coverage for sending" },
	{ .name = "unix-bind-tempname", .aliases = al_unix_bind_tempname, .type = OT_STRING_NULL, .groups = G(UNIX),
	  .phase = PH_PREOPEN, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_UNIX_BIND_TEMPNAME,
	  .help = "bind the client to a random path (template, default /tmp/fileXXXXXX)" },
	{ .name = "unix-tightsocklen", .aliases = al_unix_tightsocklen, .type = OT_BOOL, .groups = G(UNIX),
	  .phase = PH_PREBIND, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_UNIX_TIGHTSOCKLEN,
	  .help = "pass the short sockaddr_un length (default 1)" },
	{ .name = NULL }
};
