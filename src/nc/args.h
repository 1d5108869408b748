/* nc's command line: OpenBSD nc flags (Debian 1.219), traditional extras (-e -c -o) and
 * ncat's long options, parsed into one struct. Pure code (no sockets, no output): errors come
 * back as text so the caller prints them in the dialect's form. Unit tested and fuzzed. */
#ifndef DUCT_NC_ARGS_H
#define DUCT_NC_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nc/nc.h"

#define NC_MAX_LIST 64

struct nc_opts {
	enum nc_dialect dialect;
	int family;               /* 0, 4 (-4) or 6 (-6) */
	bool broadcast;           /* -b */
	bool crlf;                /* -C, --crlf */
	bool so_debug;            /* -D */
	bool no_stdin;            /* -d (OpenBSD), --recv-only implies it */
	bool pass_fd;             /* -F */
	bool keep;                /* -k (OpenBSD): serial re-listen */
	bool keep_open;           /* --keep-open, ncat -k: concurrent clients */
	bool listen;              /* -l */
	bool shut_on_eof;         /* -N (and -q >= 0) */
	bool numeric;             /* -n */
	bool randomize;           /* -r */
	bool md5sig;              /* -S */
	bool telnet;              /* -t */
	bool unix_sock;           /* -U */
	bool udp;                 /* -u */
	bool dccp;                /* -Z */
	bool zero;                /* -z */
	int verbose;              /* -v count */
	int rcvbuf, sndbuf;       /* -I / -O, 0: kernel default */
	double interval;          /* -i (OpenBSD): seconds between lines/ports, 0: none */
	int ttl, minttl;          /* -M / -m, -1: unset */
	const char *proxy_user;   /* -P */
	const char *source_port;  /* -p */
	int quit;                 /* -q, -1: never */
	const char *source;       /* -s */
	int tos;                  /* -T, -1: unset */
	int recvlimit;            /* -W, 0: unlimited */
	double timeout;           /* -w, < 0: none */
	const char *proxy;        /* -x / --proxy */
	const char *proxy_proto;  /* -X: "4", "5", "connect" */
	/* traditional nc and ncat */
	const char *exec_prog;    /* -e, --exec */
	const char *sh_cmd;       /* -c, --sh-exec */
	const char *hexdump_file; /* traditional -o, ncat -x/--hex-dump */
	bool hexdump_ncat;        /* the file gets ncat's format */
	const char *output_file;  /* ncat -o/--output: raw copy */
	bool append_output;       /* --append-output */
	int max_conns;            /* -m (ncat)/--max-conns, 0: default (100) */
	const char *allow[NC_MAX_LIST];
	size_t nallow;
	const char *deny[NC_MAX_LIST];
	size_t ndeny;
	const char *allowfile, *denyfile;
	bool ssl, ssl_verify;
	const char *ssl_cert, *ssl_key, *ssl_trustfile, *ssl_servername, *ssl_alpn, *ssl_ciphers;
	const char *proxy_type;   /* --proxy-type http|socks4|socks5 */
	const char *proxy_auth;   /* --proxy-auth */
	const char *proxy_dns;    /* --proxy-dns */
	bool send_only, recv_only, no_shutdown, broker, chat;
	double idle_timeout;      /* ncat -i/--idle-timeout, < 0: none */
	double delay;             /* ncat -d/--delay, 0: none */
	double wait;              /* ncat -w/--wait (connect timeout), < 0: none */
	bool udp_strict;          /* --udp-strict: UDP -z exit status follows what was seen */
	bool version, help;
	/* positional */
	const char *host;         /* NULL: none */
	const char *ports[NC_MAX_LIST]; /* port arguments as typed (lists/ranges unexpanded) */
	size_t nports;
	const char *unix_path;    /* -U: the socket path */
};

enum nc_parse_result {
	NC_PARSE_OK = 0,
	NC_PARSE_HELP,            /* -h / --help: print help, exit 0 */
	NC_PARSE_VERSION,         /* --version */
	NC_PARSE_USAGE,           /* print err (if any), then the usage text; exit 1 (ncat: 2) */
	NC_PARSE_ERROR,           /* print err; exit 1 (ncat: 2) */
};

/* Parse argv (argv[0] = program name) for the dialect. err gets one message line without
 * the "nc: " prefix and without a newline. Not reentrant (getopt). */
enum nc_parse_result nc_parse_args(int argc, char **argv, enum nc_dialect dialect, struct nc_opts *o,
				   char *err, size_t errlen);

/* OpenBSD's port checking: number 1..65535 or service name for proto ("tcp"/"udp").
 * Returns the port, or -1 with err ("port number too large: 99999", "port number invalid: x"). */
int nc_port_parse(const char *s, const char *proto, char *err, size_t errlen);

/* Expand port arguments ("80", "http", "20-25", "9-3") into a list in the order OpenBSD nc
 * tries them (each range ascending). *out is malloc'ed. Returns the count, or -1 with err. */
long nc_ports_expand(const char *const *args, size_t nargs, const char *proto, uint16_t **out,
		     char *err, size_t errlen);

/* Duration "N" (seconds) or ncat's "500ms", "2s", "1m", "1h". Returns -1 when invalid. */
double nc_parse_duration(const char *s, bool suffixes);

/* -T keyword or number: returns the TOS byte, or -1. */
int nc_parse_tos(const char *s);

/* Backslash-escape socat address grammar characters in a parameter or option value. Returns
 * the length needed (excluding NUL); out is truncated to len. */
size_t nc_addr_escape(const char *s, char *out, size_t len);

/* Every flag of the nc face, short (-l) and long (--keep-open), for shell completion. */
void nc_flags_foreach(void (*fn)(const char *flag, bool takes_value, void *arg), void *arg);
/* The flags one dialect takes (its tables: OpenBSD's and traditional nc's, or ncat's and
 * OpenBSD's), short ones in byte order, then the long ones. */
void nc_dialect_flags_foreach(enum nc_dialect d, void (*fn)(const char *flag, bool takes_value, void *arg),
			      void *arg);

#endif
