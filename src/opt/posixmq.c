/* Option table: posixmq family. One row per option; see opt.h for the row fields.
 * Groups, value types and phases follow socat 1.8 (real phases, not the -hhh column). */
#include "opt/opt_int.h"

/* clang-format off */
static const char *const al_posixmq_priority[] = { "mq-prio", NULL };

const struct opt_def opt_rows_posixmq[] = {
	{ .name = "posixmq-priority", .aliases = al_posixmq_priority, .type = OT_BOOL, .groups = G(POSIXMQ),
	  .phase = PH_INIT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_POSIXMQ_PRIORITY,
	  .help = "message priority for sending, minimum priority for receiving" },
	{ .name = NULL }
};
