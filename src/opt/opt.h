/* The option registry: one row per option (name, aliases, value type, groups, phase, how it is
 * applied), split into one table per family in src/opt/<family>.c and gathered by registry.c.
 *
 * An address type declares its groups; an option is accepted on an address when it shares a
 * group with it, or is in GRP_PROCESS or GRP_APPL, or has no group (chdir, umask); -g skips the
 * check. Each address runs the phases of its open sequence in order (opt_apply_phase), and its
 * own code takes the options it handles itself (opt_take_*). Anything left unused when the
 * address is open is an error ("accepted but never used"), as in socat. */
#ifndef DUCT_OPT_H
#define DUCT_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "opt/opt_ids.h"

/* Groups, in socat's bit order (names printed by -h in this order). */
enum opt_group_bit {
	GB_FD, GB_FIFO, GB_CHR, GB_BLK, GB_REG, GB_SOCKET, GB_READLINE, GB_NAMED, GB_OPEN, GB_EXEC,
	GB_FORK, GB_LISTEN, GB_SHELL, GB_CHILD, GB_RETRY, GB_TERMIOS, GB_RANGE, GB_PTY, GB_PARENT,
	GB_UNIX, GB_IP4, GB_IP6, GB_INTERFACE, GB_UDP, GB_TCP, GB_SOCKS, GB_OPENSSL, GB_PROCESS,
	GB_APPL, GB_HTTP, GB_POSIXMQ, GB_SCTP, GB_DCCP, GB_UDPLITE, GB_WS, GB_COUNT
};
#define G(x) (UINT64_C(1) << GB_##x)
#define GRP_ANY (G(PROCESS) | G(APPL))
/* Port-based protocols: an option for "UDP,TCP,SCTP,DCCP,UDPLITE". */
#define GRP_IPAPP (G(UDP) | G(TCP) | G(SCTP) | G(DCCP) | G(UDPLITE))
/* What an inherited fd (STDIO, FD) accepts. */
#define GRP_ANYFD (G(FD) | G(FIFO) | G(CHR) | G(BLK) | G(REG) | G(SOCKET) | G(TERMIOS) | G(UNIX) | \
		   G(IP4) | G(IP6) | GRP_IPAPP)

const char *opt_group_name(enum opt_group_bit b);
/* "FD,SOCKET,LISTEN" for a mask (only bits < 32 when for_help is true, as socat prints). */
void opt_groups_str(uint64_t groups, bool for_help, char *buf, size_t len);

/* Phases of an open sequence, in socat's order. */
enum opt_phase {
	PH_OFFSET, PH_INIT, PH_EARLY, PH_PREOPEN, PH_OPEN, PH_PASTOPEN, PH_PRESOCKET, PH_SOCKET,
	PH_PASTSOCKET, PH_PREBIGEN, PH_BIGEN, PH_PASTBIGEN, PH_FD, PH_PREBIND, PH_BIND, PH_PASTBIND,
	PH_PRELISTEN, PH_LISTEN, PH_PASTLISTEN, PH_PRECONNECT, PH_CONNECT, PH_PASTCONNECT,
	PH_PREACCEPT, PH_ACCEPT, PH_PASTACCEPT, PH_CONNECTED, PH_PREFORK, PH_FORK, PH_PASTFORK,
	PH_LATE, PH_LATE2, PH_PREEXEC, PH_EXEC, PH_PASTEXEC, PH_SPEC, PH_COUNT
};
const char *opt_phase_name(enum opt_phase p);

/* Value types, named as socat's -hhh names them. */
enum opt_type {
	OT_CONST, OT_BOOL, OT_BYTE, OT_INT, OT_INT_NULL, OT_LONG, OT_LONGLONG, OT_SHORT, OT_UINT,
	OT_ULONG, OT_USHORT, OT_SIZE, OT_OFF, OT_OFF64, OT_MODE, OT_UID, OT_GID, OT_STRING,
	OT_STRING_NULL, OT_BIN, OT_TIMEVAL, OT_TIMESPEC, OT_LINGER, OT_INT3, OT_INT_INT, OT_INT_INTP,
	OT_INT_BIN, OT_INT_STRING, OT_INT_INT_INT, OT_INT_INT_BIN, OT_INT_INT_STRING,
	OT_INT_INT_GENERIC, OT_IP4NAME, OT_IP4SOCK, OT_MREQN, OT_MREQ_SOURCE, OT_GENERIC,
	OT_SOCKADDR, OT_DOUBLE, OT_PTRDIFF, OT_COUNT
};
const char *opt_type_name(enum opt_type t);

/* How the generic applier handles an option in its phase. OH_NONE: taken by address or
 * engine code through opt_take_*(). */
enum opt_how {
	OH_NONE,
	OH_SOCKOPT,       /* setsockopt(fd, a1=level, a2=name, value as the type says) */
	OH_SOCKOPT_CALL,  /* generic setsockopt from the value itself (setsockopt=level:name:data) */
	OH_FCNTL_FL,      /* F_SETFL: set (value true) or clear bit a1 */
	OH_FCNTL_FD,      /* F_SETFD: set or clear bit a1 (cloexec) */
	OH_OPEN_FLAG,     /* OR a1 into the open(2) flags collected in the ctx (PH_OPEN) */
	OH_TERMIOS_FLAG,  /* field a1 (0 iflag, 1 oflag, 2 cflag, 3 lflag): clear mask a2, set a3 if true */
	OH_TERMIOS_VALUE, /* field a1: clear mask a2, set a3 (CONST rows choosing one value in a mask);
			   * numeric rows (crdly, tabdly, csize) set (value << lowest bit of a2) & a2 */
	OH_TERMIOS_SPEED, /* cfset*speed(a1); a2 = 0 both, 1 input, 2 output; value = speed if a1==0 */
	OH_TERMIOS_CC,    /* c_cc[a1] = value */
	OH_IOCTL,         /* a1 != 0: ioctl(fd, a1, &int value); else ioctl(fd, request, arg) per type:
			   * INT: no arg; INT:INT: int by value; INT:INTP: &int; INT:BIN: bytes; INT:STRING */
	OH_FUNC,          /* def->apply() */
};

struct opt_value;
struct opt_apply_ctx;
typedef int (*opt_apply_fn)(const struct opt_value *v, struct opt_apply_ctx *ctx);

struct opt_def {
	const char *name;             /* canonical name, lower case */
	const char *const *aliases;   /* NULL-terminated, or NULL */
	enum opt_type type;
	uint64_t groups;              /* 0: accepted everywhere (chdir, umask) */
	enum opt_phase phase;
	enum opt_how how;
	int a1, a2, a3;               /* meaning depends on how */
	opt_apply_fn apply;           /* OH_FUNC */
	enum opt_id id;               /* OPT_NONE for generic rows */
	const char *help;             /* one line; shown by the man page and errors */
	const char *const *values;    /* NULL-terminated: the words it takes, where they are a set
				       * (shell completion offers them), or NULL */
	bool multi;                   /* call-type (setsockopt, ioctl, memberships): every occurrence
				       * is applied; otherwise the last occurrence wins */
	bool count;                   /* OT_INT counting something (max-children, backlog):
				       * negative values are refused */
};
/* Rows with both an id and a how (reuseaddr, ipv6only, cloexec, o-nonblock, o-creat, lseek...)
 * are applied by opt_apply_phase; the id lets code inspect them with opt_present() (or take them
 * itself, e.g. to fold o-trunc/append into open() flags; taken options are not applied again). */

/* A family table: rows terminated by a row with name == NULL. */
struct opt_table {
	const char *family;           /* "fd", "socket", "tcp", ... */
	const struct opt_def *rows;
};

/* One parsed option instance on one address. Fields used depend on def->type. */
struct opt_value {
	const struct opt_def *def;
	const char *typed_name;       /* the name as the user typed it */
	char *text;                   /* the option text as typed (for messages) */
	bool used;
	bool has_value;               /* "name=..." was given */
	bool null_value;              /* INT/NULL given as "name=" (empty): e.g. reuseaddr= suppresses
				       * the automatic SO_REUSEADDR; the applier then does nothing */
	long long i;                  /* integer types, BOOL, BYTE, MODE, UID, GID, SIZE, OFF */
	int ints[3];                  /* INT_INT..., INT3, LINGER (ints[0]=onoff, ints[1]=secs) */
	double d;                     /* DOUBLE; also TIMEVAL/TIMESPEC in seconds */
	struct timespec ts;           /* TIMEVAL / TIMESPEC */
	char *s;                      /* STRING, STRING_NULL (NULL: absent), IP4NAME, generic parts */
	unsigned char *bin;           /* BIN and *_BIN (dalan-decoded), SOCKADDR bytes */
	size_t binlen;
};

struct opt_list {
	struct opt_value *v;
	size_t n;
};

/* Registry lookup (case-insensitive, canonical names and aliases). */
const struct opt_def *opt_lookup(const char *name);
const struct opt_table *opt_tables(void);   /* terminated by {NULL, NULL} */
/* Visit every option name (canonical and aliases) for help output. */
void opt_foreach(void (*fn)(const char *name, const struct opt_def *def, bool is_alias, void *arg), void *arg);
const struct opt_def *opt_by_id(enum opt_id id);
/* May an address of these groups take this option? (groups 0 and the process/application
 * groups go with every address) */
bool opt_group_ok(const struct opt_def *d, uint64_t groups);

/* One option as typed on an address. The registry knows no grammar: the families hand it an
 * address's options as these pairs (xio/xio.c). */
struct opt_pair {
	const char *name;  /* as typed (case preserved), unquoted/unescaped */
	const char *value; /* NULL when no "=" was given; "" for "name=" */
	const char *text;  /* the option as it appeared, for messages (NULL: the name) */
};

/* Parse the n options of one single address against the groups of its type.
 * addrname is the keyword as typed (for messages). On error writes one line to err and
 * returns -1: unknown option (with a "did you mean" suggestion), option not in the address's
 * groups (naming the groups the address accepts), bad value (what was expected). */
int opt_parse_list(const struct opt_pair *pairs, size_t n, const char *addrname, uint64_t groups, bool nocheck,
		   struct opt_list *out, char *err, size_t errlen);
/* Parse a single value for def from text (NULL = no "=value"). For unit tests and fuzzing. */
int opt_parse_value(const struct opt_def *def, const char *text, struct opt_value *out, char *err, size_t errlen);
void opt_list_free(struct opt_list *l);
int opt_list_copy(const struct opt_list *src, struct opt_list *dst);

/* Take (consume) options handled by code. The last occurrence wins; all occurrences are marked
 * used. Return true when the option is present. */
struct opt_value *opt_take(struct opt_list *l, enum opt_id id);
bool opt_take_bool(struct opt_list *l, enum opt_id id, bool *out);
bool opt_take_int(struct opt_list *l, enum opt_id id, long long *out);
bool opt_take_str(struct opt_list *l, enum opt_id id, const char **out);
bool opt_take_time(struct opt_list *l, enum opt_id id, double *seconds);
bool opt_present(const struct opt_list *l, enum opt_id id); /* does not consume */
struct opt_value *opt_peek(const struct opt_list *l, enum opt_id id); /* its value, not consumed; or NULL */
/* Remove every instance of id from l (options an address took and handles away from the
 * code that would take them again from the same list). */
void opt_drop(struct opt_list *l, enum opt_id id);

/* What the generic applier needs to know about the object being opened. */
struct opt_apply_ctx {
	int fd;                    /* -1 before the fd exists */
	const char *path;          /* filesystem entry for NAMED options, or NULL */
	int open_flags;            /* collected by OH_OPEN_FLAG rows in PH_OPEN */
	mode_t open_mode;          /* perm= for open()/creat(), default 0666 */
	void *termios;             /* struct termios being built, NULL if fd isn't a tty */
	bool termios_dirty;
	const char *addrname;      /* for messages */
};
/* Apply every not-yet-used option of phase ph that the generic applier knows how to apply
 * (how != OH_NONE). Errors are logged (naming the address and option); returns -1 then. */
int opt_apply_phase(struct opt_list *l, enum opt_phase ph, struct opt_apply_ctx *ctx);
/* Apply one option now according to its row's how, regardless of phase and used flag (for code
 * that takes an option and wants the generic action, e.g. at a different moment). Marks it used. */
int opt_apply_value(struct opt_value *v, struct opt_apply_ctx *ctx);
/* Apply accumulated termios changes (one tcsetattr per address, as socat). */
int opt_apply_termios_commit(struct opt_apply_ctx *ctx);
/* After an address is open: error for every option that was accepted but never used. */
int opt_check_unused(const struct opt_list *l, const char *addrname);

/* One help line for -hh/-hhh, socat 1.8 layout: 6 spaces, the name, (16-len+7)/8+1 tabs,
 * "groups=...", (24-len+7)/8 tabs, "phase=...", (24-len+7)/8 tabs, "type=..." (len = length of
 * the "groups=..."/"phase=..." text; negative tab counts print none); for aliases
 * "      name<tabs>is an alias for canonical". The phase column shows the REAL phase (socat 1.8
 * prints the next phase's name by mistake; we don't reproduce that). */
void opt_help_line(const struct opt_def *d, const char *name, bool alias, char *buf, size_t len);
/* Counts over all tables (for help and tests). */
size_t opt_count_canonical(void);
size_t opt_count_names(void);
/* Best "did you mean" candidate for an unknown option name (NULL if nothing close). */
const char *opt_suggest(const char *name);

/* dalan: socat's binary data notation (x7f000001, "text\n", 'c', i/I/l/L/s/S/b/B numbers). */
int dalan_parse(const char *text, unsigned char **out, size_t *len, char *err, size_t errlen);

/* Helpers shared by value parsers and address code. */
int parse_timeval_str(const char *s, struct timespec *ts, double *secs);
int parse_ulong_str(const char *s, unsigned long long *out); /* strtoull base 0, no trailing garbage */

#endif
