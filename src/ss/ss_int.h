/* Internal interfaces of the ss face. Each .c file has one job:
 *   args.c           command line -> struct ss_opts
 *   filter_parse.c   expression grammar -> AST (pure)
 *   filter_bytecode.c AST -> inet_diag bytecode, and user-space evaluation
 *   diag.c           netlink sock_diag requests and pure reply parsers
 *   procmap.c        -p: /proc scan, inode -> (comm, pid, fd)
 *   cgroup.c         cgroup id -> path (for -e / --cgroup)
 *   columns.c        ss's text table: column widths and rendering
 *   names.c          names shared by the text and JSON output (states, netids, timers, ...)
 *   print_text.c     per-socket text formats, into columns.c
 *   print_json.c     -j output
 *   summary.c        -s
 *   ss.c             ss_main: glue */
#ifndef DUCT_SS_INT_H
#define DUCT_SS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* Families and protocols newer than some C libraries' headers: the kernel's numbers. */
#ifndef AF_TIPC
#define AF_TIPC 30
#endif
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

/* Socket states as ss numbers them (same as the kernel's TCP states). */
enum {
	SS_UNKNOWN, SS_ESTABLISHED, SS_SYN_SENT, SS_SYN_RECV, SS_FIN_WAIT1, SS_FIN_WAIT2,
	SS_TIME_WAIT, SS_CLOSE, SS_CLOSE_WAIT, SS_LAST_ACK, SS_LISTEN, SS_CLOSING, SS_MAX
};
#define SS_ALL ((1u << SS_MAX) - 1)
#define SS_CONN (SS_ALL & ~((1u << SS_LISTEN) | (1u << SS_CLOSE) | (1u << SS_TIME_WAIT) | (1u << SS_SYN_RECV)))

/* Socket tables ("dbs"). */
enum {
	TCP_DB, MPTCP_DB, DCCP_DB, UDP_DB, RAW_DB, UNIX_DG_DB, UNIX_ST_DB, UNIX_SQ_DB,
	PACKET_DG_DB, PACKET_R_DB, NETLINK_DB, SCTP_DB, VSOCK_ST_DB, VSOCK_DG_DB, TIPC_DB,
	XDP_DB, MAX_DB
};
#define UNIX_DBM ((1u << UNIX_DG_DB) | (1u << UNIX_ST_DB) | (1u << UNIX_SQ_DB))
#define PACKET_DBM ((1u << PACKET_DG_DB) | (1u << PACKET_R_DB))
#define VSOCK_DBM ((1u << VSOCK_ST_DB) | (1u << VSOCK_DG_DB))
#define INET_L4_DBM ((1u << TCP_DB) | (1u << UDP_DB) | (1u << DCCP_DB) | (1u << SCTP_DB) | (1u << MPTCP_DB))
#define INET_DBM (INET_L4_DBM | (1u << RAW_DB))

#define FAMILY_MASK(af) (1ull << (af))

/* ---------- filter AST ---------- */
enum ssf_type {
	SSF_DCOND, SSF_SCOND, SSF_OR, SSF_AND, SSF_NOT, SSF_D_GE, SSF_D_LE, SSF_S_GE, SSF_S_LE,
	SSF_S_AUTO, SSF_DEVCOND, SSF_MARKMASK, SSF_CGROUPCOND
};

/* A host condition: [FAMILY:]ADDR[/LEN][:PORT]. */
struct ss_hostcond {
	int family;          /* AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX, AF_PACKET, AF_NETLINK, AF_VSOCK */
	int bitlen;          /* prefix length; 0 = any address */
	uint32_t data[4];    /* address words (network order for inet) */
	long port;           /* -1 = any */
	char *pattern;       /* unix: fnmatch pattern (NULL = any) */
};

struct ss_filter {
	enum ssf_type type;
	struct ss_filter *a, *b;   /* children for AND/OR/NOT */
	struct ss_hostcond host;   /* DCOND/SCOND/port comparisons */
	uint32_t ifindex;          /* DEVCOND */
	uint32_t mark, mask;       /* MARKMASK */
	uint64_t cgroup_id;        /* CGROUPCOND */
};

/* Context the parser needs (affects address families and port names). */
struct ss_parse_ctx {
	int preferred_family;      /* AF_UNSPEC unless -4/-6/-x/-0/-f */
	unsigned dbs;              /* to pick udp/tcp for service names */
	bool no_dns;               /* never resolve host names (fuzzing, tests) */
	int families_changed;      /* out: family forced by a FAMILY: prefix */
	int forced_family;
	char err[256];             /* out: message for stderr */
	int status;                /* out: exit status for the error (1 lexical, 255 syntax) */
};

/* Parse the expression from a token list (already split on whitespace).
 * Returns 0 on success (*out may be NULL for an empty expression), -1 on error with ctx->err set. */
int ss_filter_parse(char **toks, int ntoks, struct ss_parse_ctx *ctx, struct ss_filter **out);
/* Split argv words and/or a file's contents into tokens (file lines starting with '#' or '0' skipped). */
int ss_filter_tokens_argv(int argc, char **argv, char ***toks);
int ss_filter_tokens_text(const char *text, char ***toks);
void ss_filter_free(struct ss_filter *f);

/* ---------- socket record ---------- */
struct ss_addr {
	int family;
	int bitlen;
	uint32_t data[4];
};

struct ss_sock {
	int family;                /* AF_INET, AF_INET6, AF_UNIX, AF_PACKET, AF_NETLINK, AF_VSOCK, AF_XDP, AF_TIPC */
	int db;                    /* which table it came from */
	int type;                  /* socket type / protocol for inet (IPPROTO_*) */
	int state;
	long long rq, wq;
	struct ss_addr local, remote;
	long lport, rport;         /* -1 = none */
	uint32_t iface;
	uint32_t ino;
	uint32_t uid;
	bool has_uid;
	uint64_t cookie;
	int timer, retrans;
	uint32_t expires;
	uint32_t mark;
	uint64_t cgroup_id;
	bool has_cgroup;
	int v6only;                /* -1 absent */
	int shutdown;              /* -1 absent */
	int tos, tclass;           /* -1 absent */
	long long class_id;        /* -1 absent */
	bool has_skmem;
	unsigned nskmem;
	uint32_t skmem[9];
	bool has_meminfo;
	uint32_t meminfo[4];       /* r w f t */
	const void *tcpinfo; unsigned tcpinfo_len;
	const char *cong;
	const void *vegas; unsigned vegas_len;
	const void *dctcp; unsigned dctcp_len;
	const void *bbr; unsigned bbr_len;
	const void *sockopt; unsigned sockopt_len;
	const void *ulp; unsigned ulp_len;       /* INET_DIAG_ULP_INFO (nested) */
	int raw_protocol;
	/* unix */
	char *name;                /* unix path (NULs of abstract names shown as '@'), or NULL */
	uint32_t peer_ino;
	bool has_vfs;
	uint32_t vfs_ino, vfs_dev;
	const uint32_t *icons; unsigned nicons; bool has_icons;
	/* packet / netlink */
	int prot;
	uint32_t groups;
	int nl_dst_pid; uint32_t nl_dst_group; bool nl_connected;
	uint64_t nl_cb;
	/* vsock / xdp */
	uint32_t vs_lcid, vs_rcid;
	int xdp_queue;
};

/* Pure parsers: fill *s from one netlink message body (after nlmsghdr). Return 0, or -1 if malformed.
 * Pointers in *s point into the buffer. */
int ss_parse_inet(const void *body, size_t len, int protocol, struct ss_sock *s);
int ss_parse_unix(const void *body, size_t len, struct ss_sock *s, char *namebuf, size_t namebuf_len);
int ss_parse_packet(const void *body, size_t len, struct ss_sock *s);
int ss_parse_netlink(const void *body, size_t len, struct ss_sock *s);
int ss_parse_vsock(const void *body, size_t len, struct ss_sock *s);
int ss_parse_xdp(const void *body, size_t len, struct ss_sock *s);
/* Walk a buffer of netlink messages; calls cb for each SOCK_DIAG_BY_FAMILY message body.
 * Returns 1 when NLMSG_DONE was seen, 0 if more is expected, -errno on NLMSG_ERROR, -EBADMSG on junk. */
typedef int (*ss_msg_cb)(const void *body, size_t len, void *arg);
int ss_walk_messages(const void *buf, size_t len, uint32_t seq, ss_msg_cb cb, void *arg);

/* /proc/net/{tcp,udp,raw}{,6} fallback (proc_inet.c) */
int ss_parse_proc_inet_line(const char *line, int family, struct ss_sock *s);
struct ss_opts;
bool ss_proc_forced(int db);
int ss_proc_inet_show(const struct ss_opts *o, int db, void (*emit)(const struct ss_opts *, const struct ss_sock *));

/* ---------- options ---------- */
struct ss_opts {
	bool numeric, resolve, show_options, show_details, show_mem, show_users, show_threads,
	     show_tcpinfo, show_tos, show_cgroup, show_inet_sockopt, show_bpf, show_header,
	     oneline, summary, events, kill, json, tipcinfo, context;
	unsigned dbs;
	uint64_t families;
	unsigned states;
	int preferred_family;
	const char *netns;
	const char *dump_file;     /* -D */
	const char *filter_file;   /* -F */
	struct ss_filter *filter;
	bool table_requested;      /* something other than -s asks for a listing */
	const struct ss_printer *printer; /* chosen once by ss_main: text or JSON */
	const char *duct;          /* --duct=PATH: a duct relay's control socket */
};

int ss_parse_args(int argc, char **argv, struct ss_opts *o);   /* returns -1 to continue, else exit status */
/* --duct=PATH: list that relay's sessions (duct_sessions.c); returns the exit status */
int ss_duct_sessions(const char *path, const struct ss_opts *o);

/* ---------- filter evaluation / bytecode ---------- */
bool ss_filter_run(const struct ss_filter *f, const struct ss_sock *s);
/* Compile for the kernel. Returns length (0 if not compilable), *out malloc'ed. */
int ss_filter_bytecode(const struct ss_filter *f, unsigned char **out);
bool ss_is_ephemeral(long port);

/* ---------- process map ---------- */
struct ss_user { uint32_t ino; int pid, fd, tid; const char *comm; };
void ss_procmap_build(bool threads);
/* Appends "("comm",pid=P,fd=F),..." for ino; returns number of entries. */
int ss_procmap_format(uint32_t ino, char *buf, size_t len);
int ss_procmap_lookup(uint32_t ino, const struct ss_user **first, int *n);
int ss_procmap_unreadable(void);    /* processes whose fds we could not read */
int ss_procmap_next(int idx, uint32_t ino, const struct ss_user **u);

/* ---------- cgroup ---------- */
const char *ss_cgroup_path(uint64_t id);

/* ---------- output ---------- */
/* One output format for the listing: its start, one socket, the end of one -E event (ss
 * renders each at once), and the listing's end. */
struct ss_printer {
	void (*begin)(const struct ss_opts *o);
	void (*sock)(const struct ss_opts *o, const struct ss_sock *s);
	void (*event_end)(void);
	void (*end)(const struct ss_opts *o);
};
extern const struct ss_printer ss_text_printer, ss_json_printer;

void ss_text_init(const struct ss_opts *o);
void ss_text_header(void);
void ss_text_sock(const struct ss_opts *o, const struct ss_sock *s);
void ss_text_flush(void);

void ss_json_begin(void);
void ss_json_sock(const struct ss_opts *o, const struct ss_sock *s);
void ss_json_end(void);

int ss_summary(void);
int ss_summary_json(void);   /* one JSON object, no newline */

/* output buffering shared by the printers */
void ss_out_write(const char *p, size_t n);
void ss_out_flush(void);

/* names shared by the text and JSON printers (names.c) */
const char *ss_netid_name(const struct ss_sock *s);
extern const char *const ss_state_names[SS_MAX];
const char *ss_timer_name(int timer);
/* "<->" with '-' for a direction shut down; buf holds it */
const char *ss_shutdown_name(int shutdown, char buf[4]);
/* the socket memory counters (INET_DIAG_SKMEMINFO order): ss's short text names, JSON names */
enum { SS_SKMEM_MAX = 9 };
struct ss_skmem_field { const char *text, *json; };
extern const struct ss_skmem_field ss_skmem_fields[SS_SKMEM_MAX];

/* helpers shared by printers */
const char *ss_service(long port, const struct ss_sock *s, bool numeric, char *buf, size_t len);
void ss_format_host(const struct ss_sock *s, const struct ss_addr *a, bool resolve, char *buf, size_t len);

#endif
