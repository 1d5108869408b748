/* Option table: exec family. One row per option; see opt.h for the row fields.
 * Groups, value types and phases follow socat 1.8 (real phases, not the -hhh column). */
#include "opt/opt_int.h"

/* clang-format off */
static const char *const al_dash[] = { "login", NULL };
static const char *const al_setpgid[] = { "pgid", NULL };

const struct opt_def opt_rows_exec[] = {
	{ .name = "dash", .aliases = al_dash, .type = OT_BOOL, .groups = G(EXEC),
	  .phase = PH_PREEXEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_DASH,
	  .help = "prefix argv[0] with '-' (login shell)" },
	{ .name = "fdin", .aliases = NULL, .type = OT_USHORT, .groups = G(FORK),
	  .phase = PH_PASTBIGEN, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_FDIN,
	  .help = "the child reads from this fd instead of 0" },
	{ .name = "fdout", .aliases = NULL, .type = OT_USHORT, .groups = G(FORK),
	  .phase = PH_PASTBIGEN, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_FDOUT,
	  .help = "the child writes to this fd instead of 1" },
	{ .name = "nofork", .aliases = NULL, .type = OT_BOOL, .groups = G(FORK),
	  .phase = PH_BIGEN, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NOFORK,
	  .help = "second address only: the program replaces duct, with the first address's fds as stdin/stdout" },
	{ .name = "path", .aliases = NULL, .type = OT_STRING, .groups = G(EXEC),
	  .phase = PH_PREEXEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_PATH,
	  .help = "PATH used to find the program, also set in the child" },
	{ .name = "pipes", .aliases = NULL, .type = OT_BOOL, .groups = G(FORK),
	  .phase = PH_BIGEN, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_PIPES,
	  .help = "talk to the child over two pipes instead of a socketpair" },
	{ .name = "pty", .aliases = NULL, .type = OT_BOOL, .groups = G(FORK),
	  .phase = PH_BIGEN, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_PTY,
	  .help = "talk to the child over a pseudo terminal" },
	{ .name = "setpgid", .aliases = al_setpgid, .type = OT_INT, .groups = G(FORK),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SETPGID,
	  .help = "put the child into this process group (0: a new one)" },
	{ .name = "shell", .aliases = NULL, .type = OT_STRING, .groups = G(SHELL),
	  .phase = PH_PREEXEC, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SHELL,
	  .help = "shell used by SHELL/SYSTEM (also sets $SHELL)" },
	{ .name = "sighup", .aliases = NULL, .type = OT_CONST, .groups = G(PARENT),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SIGHUP,
	  .help = "forward SIGHUP to the child" },
	{ .name = "sigint", .aliases = NULL, .type = OT_CONST, .groups = G(PARENT),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SIGINT,
	  .help = "forward SIGINT to the child" },
	{ .name = "sigquit", .aliases = NULL, .type = OT_CONST, .groups = G(PARENT),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SIGQUIT,
	  .help = "forward SIGQUIT to the child" },
	{ .name = "stderr", .aliases = NULL, .type = OT_BOOL, .groups = G(FORK),
	  .phase = PH_PASTFORK, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_STDERR,
	  .help = "connect the child's stderr to its output channel" },
	{ .name = NULL }
};
