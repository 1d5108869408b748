/* Option table: listen family. One row per option; see opt.h for the row fields.
 * Groups, value types and phases follow socat 1.8 (real phases, not the -hhh column). */
#include "opt/opt_int.h"

/* clang-format off */
static const char *const al_accept_timeout[] = { "listen-timeout", NULL };
static const char *const al_interval[] = { "intervall", NULL };
static const char *const al_max_children[] = { "maxchildren", NULL };

const struct opt_def opt_rows_listen[] = {
	{ .name = "allow", .aliases = NULL, .type = OT_STRING, .groups = G(RANGE),
	  .phase = PH_ACCEPT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_ALLOW,
	  .help = "accept only peers in these networks, separated by | (duct; ncat --allow)" },
	{ .name = "allow-file", .aliases = NULL, .type = OT_STRING, .groups = G(RANGE),
	  .phase = PH_ACCEPT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_ALLOW_FILE,
	  .help = "accept only peers in the networks listed in this file (duct; ncat --allowfile)" },
	{ .name = "accept-timeout", .aliases = al_accept_timeout, .type = OT_TIMEVAL, .groups = G(LISTEN),
	  .phase = PH_LISTEN, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_ACCEPT_TIMEOUT,
	  .help = "give up waiting for a client after this many seconds" },
	{ .name = "backlog", .aliases = NULL, .type = OT_INT, .groups = G(LISTEN),
	  .phase = PH_LISTEN, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_BACKLOG, .count = true,
	  .help = "listen() backlog (default 5)" },
	{ .name = "children-shutup", .aliases = NULL, .type = OT_INT, .groups = G(CHILD),
	  .phase = PH_PASTACCEPT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_CHILDREN_SHUTUP, .count = true,
	  .help = "lower the log severity of child processes by this many levels" },
	{ .name = "deny", .aliases = NULL, .type = OT_STRING, .groups = G(RANGE),
	  .phase = PH_ACCEPT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_DENY,
	  .help = "refuse peers in these networks, separated by | (duct; ncat --deny)" },
	{ .name = "deny-file", .aliases = NULL, .type = OT_STRING, .groups = G(RANGE),
	  .phase = PH_ACCEPT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_DENY_FILE,
	  .help = "refuse peers in the networks listed in this file (duct; ncat --denyfile)" },
	{ .name = "forever", .aliases = NULL, .type = OT_BOOL, .groups = G(RETRY),
	  .phase = PH_INIT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_FOREVER,
	  .help = "retry without limit" },
	{ .name = "fork", .aliases = NULL, .type = OT_BOOL, .groups = G(CHILD),
	  .phase = PH_PASTACCEPT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_FORK,
	  .help = "handle each connection or packet in a child process" },
	{ .name = "interval", .aliases = al_interval, .type = OT_TIMESPEC, .groups = G(RETRY),
	  .phase = PH_INIT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_INTERVAL,
	  .help = "pause between attempts in seconds (default 1)" },
	{ .name = "max-children", .aliases = al_max_children, .type = OT_INT, .groups = G(CHILD),
	  .phase = PH_PASTACCEPT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_MAX_CHILDREN, .count = true,
	  .help = "with fork: at most this many children at a time" },
	{ .name = "max-conn-rate", .aliases = NULL, .type = OT_INT, .groups = G(LISTEN),
	  .phase = PH_LISTEN, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_MAX_CONN_RATE, .count = true,
	  .help = "accept at most this many connections a second; the rest wait in the backlog (duct)" },
	{ .name = "max-per-ip", .aliases = NULL, .type = OT_INT, .groups = G(LISTEN),
	  .phase = PH_LISTEN, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_MAX_PER_IP, .count = true,
	  .help = "at most this many live sessions per client address; more are refused and logged (duct)" },
	{ .name = "range", .aliases = NULL, .type = OT_STRING, .groups = G(RANGE),
	  .phase = PH_ACCEPT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_RANGE,
	  .help = "accept only peers in this network (a.b.c.d/bits, [v6]/bits; SOCKET-*: <dalan>:<mask-dalan>)" },
	{ .name = "retry", .aliases = NULL, .type = OT_UINT, .groups = G(RETRY),
	  .phase = PH_INIT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_RETRY,
	  .help = "number of extra attempts after a connect/listen/bind failure (or a TLS/SOCKS/PROXY client handshake failure)" },
	{ .name = NULL }
};
