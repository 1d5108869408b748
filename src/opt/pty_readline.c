/* Option table: pty_readline family. One row per option; see opt.h for the row fields.
 * Groups, value types and phases follow socat 1.8 (real phases, not the -hhh column). */
#include "opt/opt_int.h"

/* clang-format off */
static const char *const al_history_file[] = { "history", NULL };
static const char *const al_pty_interval[] = { "pty-intervall", NULL };
static const char *const al_pty_wait_slave[] = { "wait-slave", "waitslave", NULL };
static const char *const al_symbolic_link[] = { "link", NULL };

const struct opt_def opt_rows_pty_readline[] = {
	{ .name = "history-file", .aliases = al_history_file, .type = OT_STRING, .groups = G(READLINE),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_HISTORY,
	  .help = "readline history file" },
	{ .name = "noecho", .aliases = NULL, .type = OT_STRING, .groups = G(READLINE),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NOECHO,
	  .help = "regex: when the prompt matches, do not echo the next input line" },
	{ .name = "noprompt", .aliases = NULL, .type = OT_BOOL, .groups = G(READLINE),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NOPROMPT,
	  .help = "do not derive a prompt from the last output line" },
	{ .name = "openpty", .aliases = NULL, .type = OT_BOOL, .groups = G(PTY),
	  .phase = PH_BIGEN, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_OPENPTY,
	  .help = "create the pty with openpty()" },
	{ .name = "prompt", .aliases = NULL, .type = OT_STRING, .groups = G(READLINE),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_PROMPT,
	  .help = "fixed readline prompt" },
	{ .name = "ptmx", .aliases = NULL, .type = OT_BOOL, .groups = G(PTY),
	  .phase = PH_BIGEN, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_PTMX,
	  .help = "create the pty through /dev/ptmx" },
	{ .name = "pty-interval", .aliases = al_pty_interval, .type = OT_TIMESPEC, .groups = G(PTY),
	  .phase = PH_EARLY, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_PTY_INTERVAL,
	  .help = "poll period for pty-wait-slave in seconds" },
	{ .name = "pty-wait-slave", .aliases = al_pty_wait_slave, .type = OT_BOOL, .groups = G(PTY),
	  .phase = PH_EARLY, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_WAIT_SLAVE,
	  .help = "wait until a process opens the slave side" },
	{ .name = "sitout-eio", .aliases = NULL, .type = OT_TIMEVAL, .groups = G(PTY),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SITOUT_EIO,
	  .help = "tolerate EIO on the pty for this many seconds" },
	{ .name = "symbolic-link", .aliases = al_symbolic_link, .type = OT_STRING, .groups = G(PTY),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_LINK,
	  .help = "create a symbolic link to the device; removed on close" },
	{ .name = NULL }
};
