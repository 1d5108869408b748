/* Option table: appl family. One row per option; see opt.h for the row fields.
 * Groups, value types and phases follow socat 1.8 (real phases, not the -hhh column). */
#include "opt/opt_int.h"

/* clang-format off */
static const char *const hub_stdio_values[] = { "in", "out", "inout", "none", NULL };
static const char *const al_crnl[] = { "crlf", NULL };
static const char *const al_ignoreeof[] = { "ignoreof", NULL };
static const char *const al_readbytes[] = { "bytes", NULL };

const struct opt_def opt_rows_appl[] = {
	{ .name = "cr", .aliases = NULL, .type = OT_CONST, .groups = G(APPL),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_CR,
	  .help = "line terminator of this side is CR: convert LF<->CR" },
	{ .name = "crnl", .aliases = al_crnl, .type = OT_CONST, .groups = G(APPL),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_CRNL,
	  .help = "line terminator of this side is CRLF: write LF as CRLF, drop CR on read" },
	{ .name = "crnl-out", .aliases = NULL, .type = OT_CONST, .groups = G(APPL),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_CRNL_OUT,
	  .help = "write LF as CRLF (an existing CRLF stays), leave input alone (duct; nc -C)" },
	{ .name = "eof-ends", .aliases = NULL, .type = OT_BOOL, .groups = G(APPL),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_EOF_ENDS,
	  .help = "EOF read on this side ends the whole session (bytes already read the other way are written first; duct; nc -l, -W)" },
	{ .name = "escape", .aliases = NULL, .type = OT_INT, .groups = G(APPL),
	  .phase = PH_INIT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_ESCAPE,
	  .help = "byte value that acts as EOF on input (e.g. 0x1d)" },
	{ .name = "hub-stdio", .aliases = NULL, .type = OT_STRING, .groups = G(APPL),
	  .phase = PH_INIT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_HUB_STDIO,
	  .help = "BROKER, CHAT, FANOUT: the process's stdin (in), stdout (out), both (inout) or none join the hub (duct)",
	  .values = hub_stdio_values },
	{ .name = "ignoreeof", .aliases = al_ignoreeof, .type = OT_BOOL, .groups = G(APPL),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_IGNOREEOF,
	  .help = "treat EOF as \"no data yet\" and poll again (like tail -f)" },
	{ .name = "lockfile", .aliases = NULL, .type = OT_STRING, .groups = G(APPL),
	  .phase = PH_INIT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_LOCKFILE,
	  .help = "fail if this lock file exists, else create it (like -L)" },
	{ .name = "rate-limit", .aliases = NULL, .type = OT_STRING, .groups = G(APPL),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_RATE_LIMIT,
	  .help = "read at most this many bytes per second from this side (k, M, G: powers of 1024; duct)" },
	{ .name = "readbytes", .aliases = al_readbytes, .type = OT_SIZE, .groups = G(APPL),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_READBYTES,
	  .help = "read at most this many bytes from this side, then EOF" },
	{ .name = "readpackets", .aliases = NULL, .type = OT_SIZE, .groups = G(APPL),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_READPACKETS,
	  .help = "after this many reads that return data (datagrams, stream chunks), EOF (duct; nc -W)" },
	{ .name = "waitlock", .aliases = NULL, .type = OT_STRING, .groups = G(APPL),
	  .phase = PH_INIT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_WAITLOCK,
	  .help = "wait until this lock file is free, then create it (like -W)" },
	{ .name = NULL }
};
