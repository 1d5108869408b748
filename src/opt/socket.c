/* Option table: socket family. One row per option; see opt.h for the row fields.
 * Groups, value types and phases follow socat 1.8 (real phases, not the -hhh column). */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "opt/opt_int.h"

/* clang-format off */
static const char *const al_protocol_family[] = { "pf", NULL };
static const char *const pf_values[] = { "ip4", "ip6", "unix", "vsock", NULL }; /* sa_parse_pf */
static const char *const al_setsockopt[] = { "sockopt", NULL };
static const char *const al_setsockopt_bin[] = { "sockopt-bin", NULL };
static const char *const al_setsockopt_int[] = { "sockopt-int", NULL };
static const char *const al_setsockopt_listen[] = { "sockopt-listen", NULL };
static const char *const al_setsockopt_string[] = { "sockopt-string", NULL };
static const char *const al_so_acceptconn[] = { "acceptconn", NULL };
static const char *const al_so_attach_filter[] = { "attach-filter", "attachfilter", NULL };
static const char *const al_so_bindtodevice[] = { "bindtodevice", "if", "interface", NULL };
static const char *const al_so_broadcast[] = { "broadcast", NULL };
static const char *const al_so_bsdcompat[] = { "bsdcompat", NULL };
static const char *const al_so_debug[] = { "debug", NULL };
static const char *const al_so_detach_filter[] = { "detach-filter", "detachfilter", NULL };
static const char *const al_so_dontroute[] = { "dontroute", NULL };
static const char *const al_so_error[] = { "error", NULL };
static const char *const al_so_keepalive[] = { "keepalive", NULL };
static const char *const al_so_linger[] = { "linger", NULL };
static const char *const al_so_no_check[] = { "no-check", "nocheck", NULL };
static const char *const al_so_oobinline[] = { "oobinline", NULL };
static const char *const al_so_passcred[] = { "passcred", NULL };
static const char *const al_so_peercred[] = { "peercred", NULL };
static const char *const al_so_priority[] = { "priority", NULL };
static const char *const al_so_protocol[] = { "protocol", "prototype", "so-prototype", NULL };
static const char *const al_so_rcvbuf[] = { "rcvbuf", NULL };
static const char *const al_so_rcvbuf_late[] = { "rcvbuf-late", NULL };
static const char *const al_so_rcvlowat[] = { "rcvlowat", NULL };
static const char *const al_so_rcvtimeo[] = { "rcvtimeo", NULL };
static const char *const al_so_reuseaddr[] = { "reuseaddr", NULL };
static const char *const al_so_reuseport[] = { "reuseport", NULL };
static const char *const al_so_security_authentication[] = { "security-authentication", "securityauthentication", NULL };
static const char *const al_so_security_encryption_network[] = { "security-encryption-network", "securityencryptionnetwork", NULL };
static const char *const al_so_security_encryption_transport[] = { "security-encryption-transport", "securityencryptiontransport", NULL };
static const char *const al_so_sndbuf[] = { "sndbuf", NULL };
static const char *const al_so_sndbuf_late[] = { "sndbuf-late", NULL };
static const char *const al_so_sndlowat[] = { "sndlowat", NULL };
static const char *const al_so_sndtimeo[] = { "sndtimeo", NULL };
static const char *const al_so_timestamp[] = { "timestamp", NULL };
static const char *const al_so_type[] = { "socktype", "type", NULL };

const struct opt_def opt_rows_socket[] = {
	{ .name = "bind", .aliases = NULL, .type = OT_STRING, .groups = G(SOCKET),
	  .phase = PH_BIND, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_BIND,
	  .help = "local address to bind: [host][:port], path, ... (SOCKET-*: dalan data as their address)" },
	{ .name = "connect-timeout", .aliases = NULL, .type = OT_TIMEVAL, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_CONNECT_TIMEOUT,
	  .help = "give up connecting after this many seconds" },
	{ .name = "fiosetown", .aliases = NULL, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_IOCTL, .a1 = FIOSETOWN, .a2 = 0, .a3 = 0, .id = OPT_NONE, .multi = true,
	  .help = "ioctl FIOSETOWN: process to get SIGIO/SIGURG" },
	{ .name = "null-eof", .aliases = NULL, .type = OT_BOOL, .groups = G(SOCKET),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NULL_EOF,
	  .help = "an empty datagram means EOF" },
	{ .name = "protocol-family", .aliases = al_protocol_family, .type = OT_STRING, .groups = G(SOCKET),
	  .phase = PH_PRESOCKET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_PF,
	  .help = "socket domain: ip4, ip6 or a number", .values = pf_values },
	{ .name = "setsockopt", .aliases = al_setsockopt, .type = OT_INT_INT_BIN, .groups = G(SOCKET),
	  .phase = PH_CONNECTED, .how = OH_SOCKOPT_CALL, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NONE, .multi = true,
	  .help = "setsockopt(level:name:data) on the connected socket" },
	{ .name = "setsockopt-bin", .aliases = al_setsockopt_bin, .type = OT_INT_INT_BIN, .groups = G(SOCKET),
	  .phase = PH_CONNECTED, .how = OH_SOCKOPT_CALL, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NONE, .multi = true,
	  .help = "setsockopt(level:name:dalan-data) on the connected socket" },
	{ .name = "setsockopt-int", .aliases = al_setsockopt_int, .type = OT_INT_INT_INT, .groups = G(SOCKET),
	  .phase = PH_CONNECTED, .how = OH_SOCKOPT_CALL, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NONE, .multi = true,
	  .help = "setsockopt(level:name:int) on the connected socket" },
	{ .name = "setsockopt-listen", .aliases = al_setsockopt_listen, .type = OT_INT_INT_BIN, .groups = G(SOCKET),
	  .phase = PH_PREBIND, .how = OH_SOCKOPT_CALL, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SETSOCKOPT_LISTEN, .multi = true,
	  .help = "setsockopt(level:name:data) on the socket before bind" },
	{ .name = "setsockopt-string", .aliases = al_setsockopt_string, .type = OT_INT_INT_STRING, .groups = G(SOCKET),
	  .phase = PH_CONNECTED, .how = OH_SOCKOPT_CALL, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NONE, .multi = true,
	  .help = "setsockopt(level:name:string) on the connected socket" },
	{ .name = "siocspgrp", .aliases = NULL, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_IOCTL, .a1 = SIOCSPGRP, .a2 = 0, .a3 = 0, .id = OPT_NONE, .multi = true,
	  .help = "ioctl SIOCSPGRP: process group to get SIGIO/SIGURG" },
	{ .name = "so-acceptconn", .aliases = al_so_acceptconn, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_ACCEPTCONN, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_ACCEPTCONN" },
	{ .name = "so-attach-filter", .aliases = al_so_attach_filter, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_ATTACH_FILTER, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_ATTACH_FILTER" },
	{ .name = "so-bindtodevice", .aliases = al_so_bindtodevice, .type = OT_STRING, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_BINDTODEVICE, .a3 = 0, .id = OPT_NONE,
	  .help = "bind the socket to this network interface" },
	{ .name = "so-broadcast", .aliases = al_so_broadcast, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_BROADCAST, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_BROADCAST" },
	{ .name = "so-bsdcompat", .aliases = al_so_bsdcompat, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_BSDCOMPAT, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_BSDCOMPAT" },
	{ .name = "so-debug", .aliases = al_so_debug, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_DEBUG, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_DEBUG" },
	{ .name = "so-detach-filter", .aliases = al_so_detach_filter, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_DETACH_FILTER, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_DETACH_FILTER" },
	{ .name = "so-dontroute", .aliases = al_so_dontroute, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_DONTROUTE, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_DONTROUTE" },
	{ .name = "so-error", .aliases = al_so_error, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_ERROR, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_ERROR" },
	{ .name = "so-keepalive", .aliases = al_so_keepalive, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_FD, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_KEEPALIVE, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_KEEPALIVE" },
	{ .name = "so-linger", .aliases = al_so_linger, .type = OT_LINGER, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_LINGER, .a3 = 0, .id = OPT_NONE,
	  .help = "SO_LINGER: linger this many seconds on close" },
	{ .name = "so-no-check", .aliases = al_so_no_check, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_NO_CHECK, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_NO_CHECK" },
	{ .name = "so-oobinline", .aliases = al_so_oobinline, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_OOBINLINE, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_OOBINLINE" },
	{ .name = "so-passcred", .aliases = al_so_passcred, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_PASSCRED, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_PASSCRED" },
	{ .name = "so-peercred", .aliases = al_so_peercred, .type = OT_INT3, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_PEERCRED, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_PEERCRED" },
	{ .name = "so-priority", .aliases = al_so_priority, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_PRIORITY, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_PRIORITY" },
	{ .name = "so-protocol", .aliases = al_so_protocol, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_SOCKET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SO_PROTOCOL,
	  .help = "protocol argument of socket()" },
	{ .name = "so-rcvbuf", .aliases = al_so_rcvbuf, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_RCVBUF, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_RCVBUF" },
	{ .name = "so-rcvbuf-late", .aliases = al_so_rcvbuf_late, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_LATE, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_RCVBUF, .a3 = 0, .id = OPT_NONE,
	  .help = "SO_RCVBUF once connected" },
	{ .name = "so-rcvlowat", .aliases = al_so_rcvlowat, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_RCVLOWAT, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_RCVLOWAT" },
	{ .name = "so-rcvtimeo", .aliases = al_so_rcvtimeo, .type = OT_TIMEVAL, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_RCVTIMEO, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_RCVTIMEO" },
	{ .name = "so-reuseaddr", .aliases = al_so_reuseaddr, .type = OT_INT_NULL, .groups = G(SOCKET),
	  .phase = PH_PREBIND, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_REUSEADDR, .a3 = 0, .id = OPT_REUSEADDR,
	  .help = "SO_REUSEADDR (automatic on TCP listeners; empty value suppresses that)" },
	{ .name = "so-reuseport", .aliases = al_so_reuseport, .type = OT_INT_NULL, .groups = G(SOCKET),
	  .phase = PH_PREBIND, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_REUSEPORT, .a3 = 0, .id = OPT_REUSEPORT,
	  .help = "SO_REUSEPORT" },
	{ .name = "so-security-authentication", .aliases = al_so_security_authentication, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_SECURITY_AUTHENTICATION, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_SECURITY_AUTHENTICATION" },
	{ .name = "so-security-encryption-network", .aliases = al_so_security_encryption_network, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_SECURITY_ENCRYPTION_NETWORK, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_SECURITY_ENCRYPTION_NETWORK" },
	{ .name = "so-security-encryption-transport", .aliases = al_so_security_encryption_transport, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_SECURITY_ENCRYPTION_TRANSPORT, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_SECURITY_ENCRYPTION_TRANSPORT" },
	{ .name = "so-sndbuf", .aliases = al_so_sndbuf, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_SNDBUF, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_SNDBUF" },
	{ .name = "so-sndbuf-late", .aliases = al_so_sndbuf_late, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_LATE, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_SNDBUF, .a3 = 0, .id = OPT_NONE,
	  .help = "SO_SNDBUF once connected" },
	{ .name = "so-sndlowat", .aliases = al_so_sndlowat, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_SNDLOWAT, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_SNDLOWAT" },
	{ .name = "so-sndtimeo", .aliases = al_so_sndtimeo, .type = OT_TIMEVAL, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_SNDTIMEO, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt SOL_SOCKET/SO_SNDTIMEO" },
	{ .name = "so-timestamp", .aliases = al_so_timestamp, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = SOL_SOCKET, .a2 = SO_TIMESTAMP, .a3 = 0, .id = OPT_SO_TIMESTAMP,
	  .help = "SO_TIMESTAMP: receive timestamps with datagrams" },
	{ .name = "so-type", .aliases = al_so_type, .type = OT_INT, .groups = G(SOCKET),
	  .phase = PH_SOCKET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SO_TYPE,
	  .help = "socket type (1 stream, 2 dgram, 3 raw, 5 seqpacket)" },
	{ .name = NULL }
};
