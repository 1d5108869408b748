/* Option table: posixmq family. One row per option; see opt.h for the row fields.
 * Groups, value types and phases follow socat 1.8 (real phases, not the -hhh column). */
#include "opt/opt_int.h"

/* clang-format off */
static const char *const al_posixmq_priority[] = { "mq-prio", NULL };

/* posixmq-priority is a number (socat 1.8's manual: the priority of messages written, the
 * lowest priority of messages read; its example uses mq-prio=10). socat 1.8 registers it as
 * BOOL, which turns any number but 0 into priority 1; duct takes the number. Taken by
 * src/xio/posixmq.c. */
const struct opt_def opt_rows_posixmq[] = {
	{ .name = "posixmq-priority", .aliases = al_posixmq_priority, .type = OT_UINT, .groups = G(POSIXMQ),
	  .phase = PH_INIT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_POSIXMQ_PRIORITY,
	  .help = "priority of the messages sent (0 to 32767); when reading, the lowest priority passed on (lower messages are discarded)" },
	{ .name = NULL }
};
