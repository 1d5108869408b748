/* Option table: process family. One row per option; see opt.h for the row fields.
 * Groups, value types and phases follow socat 1.8 (real phases, not the -hhh column). */
#include "opt/opt_int.h"

/* clang-format off */
static const char *const al_chdir[] = { "cd", NULL };
static const char *const al_setsid[] = { "sid", NULL };
static const char *const al_substuser[] = { "su", NULL };
static const char *const al_substuser_delayed[] = { "su-d", NULL };
static const char *const al_substuser_early[] = { "su-e", NULL };

const struct opt_def opt_rows_process[] = {
	{ .name = "chdir", .aliases = al_chdir, .type = OT_STRING, .groups = 0,
	  .phase = PH_INIT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_CHDIR,
	  .help = "working directory while opening the address (children inherit it)" },
	{ .name = "chroot", .aliases = NULL, .type = OT_STRING, .groups = G(PROCESS),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_CHROOT,
	  .help = "chroot() to this directory after the address is opened" },
	{ .name = "chroot-early", .aliases = NULL, .type = OT_STRING, .groups = G(PROCESS),
	  .phase = PH_EARLY, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_CHROOT_EARLY,
	  .help = "chroot() to this directory before opening the address" },
	{ .name = "netns", .aliases = NULL, .type = OT_STRING, .groups = G(PROCESS),
	  .phase = PH_INIT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NETNS,
	  .help = "open the address inside this Linux network namespace" },
	{ .name = "setgid", .aliases = NULL, .type = OT_GID, .groups = G(PROCESS),
	  .phase = PH_LATE2, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SETGID,
	  .help = "setgid() after opening the address" },
	{ .name = "setgid-early", .aliases = NULL, .type = OT_GID, .groups = G(PROCESS),
	  .phase = PH_EARLY, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SETGID_EARLY,
	  .help = "setgid() before opening the address" },
	{ .name = "setsid", .aliases = al_setsid, .type = OT_BOOL, .groups = G(PROCESS),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SETSID,
	  .help = "become leader of a new session" },
	{ .name = "setuid", .aliases = NULL, .type = OT_UID, .groups = G(PROCESS),
	  .phase = PH_LATE2, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SETUID,
	  .help = "setuid() after opening the address (groups untouched)" },
	{ .name = "setuid-early", .aliases = NULL, .type = OT_UID, .groups = G(PROCESS),
	  .phase = PH_EARLY, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SETUID_EARLY,
	  .help = "setuid() before opening the address" },
	{ .name = "substuser", .aliases = al_substuser, .type = OT_UID, .groups = G(PROCESS),
	  .phase = PH_LATE2, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SU,
	  .help = "become this user (uid, groups, HOME/USER/SHELL) after opening" },
	{ .name = "substuser-delayed", .aliases = al_substuser_delayed, .type = OT_UID, .groups = G(PROCESS),
	  .phase = PH_INIT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SU_DELAYED,
	  .help = "look the user up at start, switch to it after opening" },
	{ .name = "substuser-early", .aliases = al_substuser_early, .type = OT_UID, .groups = G(PROCESS),
	  .phase = PH_EARLY, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SU_EARLY,
	  .help = "become this user before opening the address" },
	{ .name = "umask", .aliases = NULL, .type = OT_MODE, .groups = 0,
	  .phase = PH_INIT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_UMASK,
	  .help = "umask while opening the address (restored afterwards)" },
	{ .name = NULL }
};
