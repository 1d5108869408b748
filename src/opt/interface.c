/* Option table: interface family. One row per option; see opt.h for the row fields.
 * Groups, value types and phases follow socat 1.8 (real phases, not the -hhh column). */
#include <net/if.h>

#include "opt/opt_int.h"

/* clang-format off */
static const char *const al_iff_allmulti[] = { "allmulti", NULL };
static const char *const al_iff_automedia[] = { "automedia", NULL };
static const char *const al_iff_loopback[] = { "loopback", NULL };
static const char *const al_iff_master[] = { "master", NULL };
static const char *const al_iff_multicast[] = { "multicast", NULL };
static const char *const al_iff_no_pi[] = { "no-pi", "tun-no-pi", NULL };
static const char *const al_iff_noarp[] = { "noarp", NULL };
static const char *const al_iff_notrailers[] = { "notrailers", NULL };
static const char *const al_iff_pointopoint[] = { "pointopoint", NULL };
static const char *const al_iff_portsel[] = { "portsel", NULL };
static const char *const al_iff_promisc[] = { "promisc", NULL };
static const char *const al_iff_running[] = { "running", NULL };
static const char *const al_iff_slave[] = { "slave", NULL };
static const char *const al_iff_up[] = { "up", NULL };

const struct opt_def opt_rows_interface[] = {
	{ .name = "iff-allmulti", .aliases = al_iff_allmulti, .type = OT_BOOL, .groups = G(INTERFACE),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = IFF_ALLMULTI, .a2 = 0, .a3 = 0, .id = OPT_IFF_ALLMULTI,
	  .help = "interface flag IFF_ALLMULTI" },
	{ .name = "iff-automedia", .aliases = al_iff_automedia, .type = OT_BOOL, .groups = G(INTERFACE),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = IFF_AUTOMEDIA, .a2 = 0, .a3 = 0, .id = OPT_IFF_AUTOMEDIA,
	  .help = "interface flag IFF_AUTOMEDIA" },
	{ .name = "iff-broadcast", .aliases = NULL, .type = OT_BOOL, .groups = G(INTERFACE),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = IFF_BROADCAST, .a2 = 0, .a3 = 0, .id = OPT_IFF_BROADCAST,
	  .help = "interface flag IFF_BROADCAST" },
	{ .name = "iff-debug", .aliases = NULL, .type = OT_BOOL, .groups = G(INTERFACE),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = IFF_DEBUG, .a2 = 0, .a3 = 0, .id = OPT_IFF_DEBUG,
	  .help = "interface flag IFF_DEBUG" },
	{ .name = "iff-loopback", .aliases = al_iff_loopback, .type = OT_BOOL, .groups = G(INTERFACE),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = IFF_LOOPBACK, .a2 = 0, .a3 = 0, .id = OPT_IFF_LOOPBACK,
	  .help = "interface flag IFF_LOOPBACK" },
	{ .name = "iff-master", .aliases = al_iff_master, .type = OT_BOOL, .groups = G(INTERFACE),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = IFF_MASTER, .a2 = 0, .a3 = 0, .id = OPT_IFF_MASTER,
	  .help = "interface flag IFF_MASTER" },
	{ .name = "iff-multicast", .aliases = al_iff_multicast, .type = OT_BOOL, .groups = G(INTERFACE),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = IFF_MULTICAST, .a2 = 0, .a3 = 0, .id = OPT_IFF_MULTICAST,
	  .help = "interface flag IFF_MULTICAST" },
	{ .name = "iff-no-pi", .aliases = al_iff_no_pi, .type = OT_BOOL, .groups = G(INTERFACE),
	  .phase = PH_FD, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_IFF_NO_PI,
	  .help = "IFF_NO_PI: no packet information header" },
	{ .name = "iff-noarp", .aliases = al_iff_noarp, .type = OT_BOOL, .groups = G(INTERFACE),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = IFF_NOARP, .a2 = 0, .a3 = 0, .id = OPT_IFF_NOARP,
	  .help = "interface flag IFF_NOARP" },
	{ .name = "iff-notrailers", .aliases = al_iff_notrailers, .type = OT_BOOL, .groups = G(INTERFACE),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = IFF_NOTRAILERS, .a2 = 0, .a3 = 0, .id = OPT_IFF_NOTRAILERS,
	  .help = "interface flag IFF_NOTRAILERS" },
	{ .name = "iff-pointopoint", .aliases = al_iff_pointopoint, .type = OT_BOOL, .groups = G(INTERFACE),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = IFF_POINTOPOINT, .a2 = 0, .a3 = 0, .id = OPT_IFF_POINTOPOINT,
	  .help = "interface flag IFF_POINTOPOINT" },
	{ .name = "iff-portsel", .aliases = al_iff_portsel, .type = OT_BOOL, .groups = G(INTERFACE),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = IFF_PORTSEL, .a2 = 0, .a3 = 0, .id = OPT_IFF_PORTSEL,
	  .help = "interface flag IFF_PORTSEL" },
	{ .name = "iff-promisc", .aliases = al_iff_promisc, .type = OT_BOOL, .groups = G(INTERFACE),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = IFF_PROMISC, .a2 = 0, .a3 = 0, .id = OPT_IFF_PROMISC,
	  .help = "interface flag IFF_PROMISC" },
	{ .name = "iff-running", .aliases = al_iff_running, .type = OT_BOOL, .groups = G(INTERFACE),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = IFF_RUNNING, .a2 = 0, .a3 = 0, .id = OPT_IFF_RUNNING,
	  .help = "interface flag IFF_RUNNING" },
	{ .name = "iff-slave", .aliases = al_iff_slave, .type = OT_BOOL, .groups = G(INTERFACE),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = IFF_SLAVE, .a2 = 0, .a3 = 0, .id = OPT_IFF_SLAVE,
	  .help = "interface flag IFF_SLAVE" },
	{ .name = "iff-up", .aliases = al_iff_up, .type = OT_BOOL, .groups = G(INTERFACE),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = IFF_UP, .a2 = 0, .a3 = 0, .id = OPT_IFF_UP,
	  .help = "interface flag IFF_UP" },
	{ .name = "retrieve-vlan", .aliases = NULL, .type = OT_CONST, .groups = G(INTERFACE),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_RETRIEVE_VLAN,
	  .help = "re-insert the VLAN tag into packets read from the interface" },
	{ .name = "tun-device", .aliases = NULL, .type = OT_STRING, .groups = G(INTERFACE),
	  .phase = PH_OPEN, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TUN_DEVICE,
	  .help = "clone device (default /dev/net/tun)" },
	{ .name = "tun-name", .aliases = NULL, .type = OT_STRING, .groups = G(INTERFACE),
	  .phase = PH_FD, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TUN_NAME,
	  .help = "name of the TUN/TAP interface" },
	{ .name = "tun-type", .aliases = NULL, .type = OT_STRING, .groups = G(INTERFACE),
	  .phase = PH_FD, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_TUN_TYPE,
	  .help = "tun or tap" },
	{ .name = NULL }
};
