/* nc's data mode: nc_opts -> a relay plan (two addresses in socat syntax, relay config,
 * hooks for nc's own messages) run by the shared engine. nc has no transfer code: a client
 * connects with nc's own connect logic (scan.c, for OpenBSD's exact messages and multi-address
 * fallback) and hands the socket to the engine as FD:n; listeners, EXEC/SYSTEM, TLS and proxies
 * are the engine's addresses. */
#include "nc/plan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "nc/hexdump.h"
#include "nc/messages.h"
#include "nc/scan.h"
#include "run/plan.h"

#define NC_FOREVER 1e9

struct abuf {
	char s[4096];
	size_t n;
	bool overflow;
};

static void ab_add(struct abuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ab_add(struct abuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(b->s + b->n, sizeof b->s - b->n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= sizeof b->s - b->n) {
		b->overflow = true;
		return;
	}
	b->n += (size_t)k;
}

static void ab_esc(struct abuf *b, const char *s)
{
	char tmp[2048];
	if (nc_addr_escape(s, tmp, sizeof tmp) >= sizeof tmp) {
		b->overflow = true;
		return;
	}
	ab_add(b, "%s", tmp);
}

/* Host for an IP address parameter: IPv6 literals in brackets. */
/* ",name=value" (value escaped) when value is set */
static void ab_opt(struct abuf *b, const char *name, const char *value)
{
	if (!value)
		return;
	ab_add(b, ",%s=", name);
	ab_esc(b, value);
}

static void ab_host(struct abuf *b, const char *h)
{
	if (strchr(h, ':')) {
		ab_add(b, "[");
		ab_esc(b, h);
		ab_add(b, "]");
	} else {
		ab_esc(b, h);
	}
}

/* Socket options every nc socket address shares. */
static void ab_sockopts(struct abuf *b, const struct nc_opts *o, bool ip)
{
	if (o->rcvbuf > 0)
		ab_add(b, ",rcvbuf=%d", o->rcvbuf);
	if (o->sndbuf > 0)
		ab_add(b, ",sndbuf=%d", o->sndbuf);
	if (o->so_debug)
		ab_add(b, ",so-debug");
	if (!ip)
		return;
	if (o->broadcast)
		ab_add(b, ",broadcast");
	if (o->tos >= 0)
		ab_add(b, ",tos=%d", o->tos);
	if (o->ttl >= 0)
		ab_add(b, ",ttl=%d", o->ttl);
}

struct nc_run {
	const struct nc_opts *o;
	bool listen;
	int denied;
	const char *port;         /* listen mode: the port as given, for "Listening on" */
	bool open_error;          /* a bind/listen/connect failure was reported (ncat: exit 2) */
	bool announced;           /* "Listening on" printed */
	int net_idx;              /* the network's address in the plan (1 or 2) */
};

static void listen_message(const struct nc_opts *o, const char *port);

static void hook_opened(void *arg, int idx, struct endpoint *ep)
{
	struct nc_run *r = arg;
	const struct nc_opts *o = r->o;
	if (!r->listen || idx != 1)
		return;
	int fd = ep->rfd >= 0 ? ep->rfd : ep->wfd;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	if (fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &sl) < 0)
		return;
	if (!o->verbose || ss.ss_family == AF_UNIX)
		return;
	char ip[INET6_ADDRSTRLEN + 8];
	unsigned port = (unsigned)ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (o->dialect == NC_NCAT) {
		nc_numeric_host((struct sockaddr *)&ss, sl, ip, sizeof ip);
		nc_note(o, "Connection from %s.", ip);
		nc_note(o, "Connection from %s:%u.", ip, port);
		return;
	}
	char name[NI_MAXHOST];
	nc_reverse_name((struct sockaddr *)&ss, sl, o->numeric, name, sizeof name);
	nc_note(o, "Connection received on %s %u", name, port);
}

/* The listener is bound: now nc says so (never before a bind that fails). */
static void hook_listening(void *arg, int idx, const struct sockaddr *sa, socklen_t len)
{
	struct nc_run *r = arg;
	(void)idx;
	(void)sa;
	(void)len;
	if (r->listen && !r->announced)
		listen_message(r->o, r->port ? r->port : "");
	r->announced = true;
}

/* A failed bind/listen/connect in nc's words instead of the engine's log line:
 * "nc: Address already in use", "Ncat: bind to 0.0.0.0:9001: Address already in use. QUITTING." */
static void hook_open_error(void *arg, int idx, const char *call, int err, const struct sockaddr *sa, socklen_t len)
{
	struct nc_run *r = arg;
	const struct nc_opts *o = r->o;
	(void)idx;
	r->open_error = true;
	if (o->dialect != NC_NCAT) {
		nc_err(o, "%s", strerror(err));
		return;
	}
	if (o->verbose && r->listen && !r->announced)
		nc_ncat_version_line(o); /* ncat -v: its first line comes whatever happens */
	if (strcmp(call, "bind") != 0) {
		nc_note(o, "%s.", strerror(err));
		return;
	}
	char ip[INET6_ADDRSTRLEN + 8] = "";
	if (len && (sa->sa_family == AF_INET || sa->sa_family == AF_INET6)) {
		nc_numeric_host(sa, len, ip, sizeof ip);
		unsigned port = (unsigned)ntohs(((const struct sockaddr_in *)sa)->sin_port);
		nc_err(o, "bind to %s:%u: %s.", ip, port, strerror(err));
	} else {
		nc_err(o, "%s.", strerror(err));
	}
}

/* --allow/--deny refused a peer: the listener closed it before reading a byte. */
static void hook_refused(void *arg, int idx, const struct sockaddr *sa, socklen_t len, const char *why)
{
	struct nc_run *r = arg;
	(void)idx;
	(void)sa;
	(void)len;
	if (!strcmp(why, "allow") || !strcmp(why, "deny")) {
		nc_note(r->o, "New connection denied: not allowed");
		r->denied++;
	}
}

/* A network connection that fails mid-transfer (reset, broken pipe): nc.openbsd and
 * nc.traditional take it as the end of that direction and exit 0, quietly; ncat says
 * "Ncat: Connection reset by peer." and exits 1. Errors on the local side (stdin, stdout, a
 * program) and UDP's stay the engine's. */
static const char *hub_keyword(const struct nc_opts *o);

static enum relay_io_verdict nc_io_error(void *arg, int idx, bool writing, int err)
{
	const struct nc_run *r = arg;
	const struct nc_opts *o = r->o;
	/* nc.openbsd: a write to stdout that fails (its reader has gone) quietly ends that way */
	if (idx != r->net_idx && writing && err == EPIPE && o->dialect == NC_OPENBSD && !o->exec_prog &&
	    !o->sh_cmd)
		return RELAY_IO_EOF;
	if (idx != r->net_idx || o->udp)
		return RELAY_IO_DEFAULT;
	/* ncat's --broker, --chat and -k servers drop a client that failed, silently */
	if (hub_keyword(o))
		return RELAY_IO_EOF;
	if (o->dialect == NC_NCAT) {
		nc_note(o, "%s.", strerror(err));
		return RELAY_IO_REPORTED;
	}
	if (err == ECONNRESET || err == EPIPE || err == ECONNABORTED || err == ETIMEDOUT)
		return RELAY_IO_EOF;
	return RELAY_IO_DEFAULT;
}

static const struct plan_hooks nc_hooks = {
	.opened = hook_opened, .listening = hook_listening, .open_error = hook_open_error,
	.refused = hook_refused,
};

/* --allow/--allowfile/--deny/--denyfile: the listener's allow=/deny= peer lists. */
static void ab_peer_lists(struct abuf *b, const struct nc_opts *o)
{
	const char *const *lists[2] = { o->allow, o->deny };
	const size_t counts[2] = { o->nallow, o->ndeny };
	const char *files[2] = { o->allowfile, o->denyfile };
	static const char *const names[2] = { "allow", "deny" };
	for (int k = 0; k < 2; k++) {
		if (counts[k]) {
			ab_add(b, ",%s=", names[k]);
			for (size_t i = 0; i < counts[k]; i++) {
				char item[1024];
				snprintf(item, sizeof item, "%s", lists[k][i]);
				for (char *c = item; *c; c++)
					if (*c == ',')
						*c = '|';
				ab_add(b, "%s", i ? "|" : "");
				ab_esc(b, item);
			}
		}
		if (files[k]) {
			ab_add(b, ",%s-file=", names[k]);
			ab_esc(b, files[k]);
		}
	}
}

/* ncat's servers for many clients at once without a program: --chat, --broker, and
 * --keep-open, which fans stdin out to the clients and their data in to stdout. The hub
 * address is opened by every connection's session; hub-stdio says what stdin and stdout are
 * to it (ncat's --send-only/--recv-only keep one of them out). NULL: not a hub. */
static const char *hub_keyword(const struct nc_opts *o)
{
	if (!o->listen || o->exec_prog || o->sh_cmd)
		return NULL;
	return o->chat ? "CHAT" : o->broker ? "BROKER" : o->keep_open ? "FANOUT" : NULL;
}

static void hub_addr(struct abuf *b, const struct nc_opts *o, const char *kw)
{
	bool in = !o->recv_only && !o->no_stdin;
	/* ncat --broker and --chat write nothing to stdout */
	bool out = !strcmp(kw, "FANOUT") && !o->send_only;
	ab_add(b, "%s,hub-stdio=%s", kw, in && out ? "inout" : in ? "in" : out ? "out" : "none");
}

/* The local side: stdio, a hub, or the program of -e/-c/--exec/--sh-exec. */
static void local_addr(struct abuf *b, const struct nc_opts *o, bool ignoreeof)
{
	const char *hub = hub_keyword(o);
	if (o->listen && o->proxy_type && !o->proxy) {
		/* ncat -l --proxy-type: every connection is served as a proxy client */
		bool http = !strcmp(o->proxy_type, "http");
		ab_add(b, http ? "HTTP-PROXY-SERVER" : "SOCKS-SERVER");
		if (o->proxy_auth && http) {
			ab_add(b, ",proxy-authorization=");
			ab_esc(b, o->proxy_auth);
		} else if (o->proxy_auth) {
			/* the login SOCKS-SERVER asks for: user up to the first colon */
			char u[256];
			const char *colon = strchr(o->proxy_auth, ':');
			snprintf(u, sizeof u, "%.*s", colon ? (int)(colon - o->proxy_auth) : 0, o->proxy_auth);
			ab_add(b, ",socksuser=");
			ab_esc(b, u);
			ab_add(b, ",sockspass=");
			ab_esc(b, colon ? colon + 1 : "");
		}
	} else if (hub) {
		hub_addr(b, o, hub);
	} else if (o->exec_prog) {
		ab_add(b, "EXEC:");
		ab_esc(b, o->exec_prog);
	} else if (o->sh_cmd) {
		ab_add(b, "SYSTEM:");
		ab_esc(b, o->sh_cmd);
	} else if (o->no_stdin || o->recv_only) {
		ab_add(b, "STDOUT");
	} else if (o->send_only) {
		ab_add(b, "STDIN");
	} else {
		ab_add(b, "STDIO");
		if (ignoreeof)
			ab_add(b, ",ignoreeof");
	}
}

/* "Listening on ..." (OpenBSD) / "Ncat: Listening on ..." before the engine accepts. */
static void listen_message(const struct nc_opts *o, const char *port)
{
	if (!o->verbose)
		return;
	if (o->dialect == NC_NCAT) {
		nc_ncat_version_line(o);
		if (o->unix_sock)
			nc_note(o, "Listening on %s", o->unix_path);
		else if (o->host)
			nc_note(o, "Listening on %s:%s", o->host, port);
		else if (o->family == 6)
			nc_note(o, "Listening on [::]:%s", port);
		else
			nc_note(o, "Listening on 0.0.0.0:%s", port);
		return;
	}
	if (o->unix_sock) {
		nc_note(o, "Bound on %s", o->unix_path);
		if (!o->udp)
			nc_note(o, "Listening on %s", o->unix_path);
		return;
	}
	char shown[NI_MAXHOST] = "0.0.0.0";
	if (o->family == 6)
		snprintf(shown, sizeof shown, "::");
	if (o->host) {
		struct addrinfo hints = { .ai_family = o->family == 6 ? AF_INET6 : o->family == 4 ? AF_INET : AF_UNSPEC,
					  .ai_socktype = o->udp ? SOCK_DGRAM : SOCK_STREAM,
					  .ai_flags = AI_PASSIVE | (o->numeric ? AI_NUMERICHOST : 0) };
		struct addrinfo *res = NULL;
		if (!getaddrinfo(o->host, NULL, &hints, &res) && res) {
			nc_reverse_name(res->ai_addr, res->ai_addrlen, o->numeric, shown, sizeof shown);
			freeaddrinfo(res);
		} else {
			snprintf(shown, sizeof shown, "%s", o->host);
		}
	}
	nc_note(o, "%s on %s %s", o->udp ? "Bound" : "Listening", shown, port);
}

static bool is_v6(const struct nc_opts *o)
{
	return o->family == 6 || (o->host && strchr(o->host, ':'));
}

static void listen_addr(struct abuf *b, const struct nc_opts *o, const char *port)
{
	bool multi = o->keep || o->keep_open || o->broker || (o->proxy_type && !o->proxy);
	if (o->unix_sock) {
		ab_add(b, o->udp ? "UNIX-RECV:" : "UNIX-LISTEN:");
		ab_esc(b, o->unix_path);
		ab_sockopts(b, o, false);
	} else if (o->ssl) {
		ab_add(b, "OPENSSL-LISTEN:");
		ab_esc(b, port);
		if (o->host) {
			ab_add(b, ",bind=");
			ab_host(b, o->host);
		}
		ab_opt(b, "cert", o->ssl_cert);
		ab_opt(b, "key", o->ssl_key);
		ab_add(b, ",verify=%d", o->ssl_verify ? 1 : 0);
		ab_opt(b, "cafile", o->ssl_trustfile);
		if (is_v6(o))
			ab_add(b, ",pf=ip6");
	} else {
		const char *kw = o->udp ? ((o->keep && !o->keep_open) ? "UDP%c-RECV:" : "UDP%c-LISTEN:") : "TCP%c-LISTEN:";
		ab_add(b, kw, is_v6(o) ? '6' : '4');
		ab_esc(b, port);
		if (o->host) {
			ab_add(b, ",bind=");
			ab_host(b, o->host);
		} else if (o->family == 6) {
			ab_add(b, ",ipv6only=0");
		}
		ab_sockopts(b, o, true);
	}
	if (multi && !(o->udp && o->keep && !o->keep_open)) {
		ab_add(b, ",fork");
		if (o->keep)
			ab_add(b, ",max-children=1"); /* OpenBSD -k: one client at a time */
		else
			ab_add(b, ",max-children=%d", o->max_conns ? o->max_conns : 100);
	}
}

/* TLS and proxied clients: the engine's OPENSSL / SOCKS / PROXY addresses. */
static void remote_addr(struct abuf *b, const struct nc_opts *o, const char *port)
{
	if (o->proxy) {
		char ph[256], pp[16] = "";
		snprintf(ph, sizeof ph, "%s", o->proxy);
		char *colon = strrchr(ph, ':');
		if (colon && !strchr(ph, ']') && colon == strchr(ph, ':')) {
			*colon = '\0';
			snprintf(pp, sizeof pp, "%s", colon + 1);
		}
		const char *type = o->proxy_type ? o->proxy_type : o->dialect == NC_NCAT ? "http" : "socks5";
		if (o->proxy_proto)
			type = !strcmp(o->proxy_proto, "4") ? "socks4" : !strcmp(o->proxy_proto, "5") ? "socks5" : "http";
		if (!strcmp(type, "socks5")) {
			ab_add(b, "SOCKS5:");
			ab_host(b, ph);
			ab_add(b, ":%s:", pp[0] ? pp : "1080");
		} else if (!strcmp(type, "socks4")) {
			ab_add(b, "SOCKS4A:");
			ab_host(b, ph);
			ab_add(b, ":");
		} else {
			ab_add(b, "PROXY:");
			ab_host(b, ph);
			ab_add(b, ":");
		}
		ab_host(b, o->host);
		ab_add(b, ":");
		ab_esc(b, port);
		if (!strcmp(type, "socks4"))
			ab_add(b, ",socksport=%s", pp[0] ? pp : "1080");
		else if (!strcmp(type, "http"))
			ab_add(b, ",proxyport=%s", pp[0] ? pp : "3128");
		if (o->proxy_auth && strcmp(type, "http") == 0) {
			ab_add(b, ",proxy-authorization=");
			ab_esc(b, o->proxy_auth);
		}
		if (o->proxy_auth && !strcmp(type, "socks4")) {
			ab_add(b, ",socksuser=");
			ab_esc(b, o->proxy_auth);
		}
		if (o->timeout > 0)
			ab_add(b, ",connect-timeout=%g", o->timeout);
		return;
	}
	/* --ssl */
	ab_add(b, "OPENSSL:");
	ab_host(b, o->host);
	ab_add(b, ":");
	ab_esc(b, port);
	ab_add(b, ",verify=%d", o->ssl_verify ? 1 : 0);
	ab_opt(b, "cafile", o->ssl_trustfile);
	ab_opt(b, "cert", o->ssl_cert);
	ab_opt(b, "key", o->ssl_key);
	ab_opt(b, "snihost", o->ssl_servername);
	ab_opt(b, "cipher", o->ssl_ciphers);
	if (o->wait > 0)
		ab_add(b, ",connect-timeout=%g", o->wait);
}

/* The relay config for nc's EOF rules (netcat-and-ss.md A.5). ignoreeof: stdin EOF must not
 * end anything (OpenBSD without -N: no FIN, exit when the network side ends). */
static void eof_rules(const struct nc_opts *o, struct relay_config *rc, bool *ignoreeof, bool *shut_none)
{
	bool exec = o->exec_prog || o->sh_cmd;
	*ignoreeof = false;
	*shut_none = false;
	if (exec) {
		/* The program's exit ends the session (traditional nc and ncat). */
		rc->closing_timeout = 0.5;
	} else if (o->dialect == NC_NCAT) {
		if (o->no_shutdown) {
			/* no FIN; both inputs must end, in either order (as ncat) */
			*shut_none = true;
			rc->closing_timeout = NC_FOREVER;
		} else if (o->send_only) {
			rc->closing_timeout = 0;
		} else {
			rc->closing_timeout = NC_FOREVER;
		}
	} else if (o->quit >= 0 && (o->listen || o->udp)) {
		/* Debian: in listen or UDP mode -q N quits N s after stdin EOF. */
		rc->closing_timeout = o->quit;
		*shut_none = !o->shut_on_eof;
	} else if (o->shut_on_eof) {
		rc->closing_timeout = NC_FOREVER;
	} else {
		/* OpenBSD: no FIN at stdin EOF; "both inputs gone" ends it, in either order (a
		 * peer that closes first leaves nc reading stdin, as nc.openbsd) */
		*shut_none = true;
		rc->closing_timeout = NC_FOREVER;
	}
	if (o->dialect == NC_NCAT && o->idle_timeout > 0)
		rc->inactivity_timeout = o->idle_timeout;
	else if (o->dialect != NC_NCAT && o->timeout > 0 && !o->listen)
		rc->inactivity_timeout = o->timeout;
}

/* -i (OpenBSD) and -d/--delay (ncat), as the real programs pace data (measured against
 * nc.openbsd 1.219 and ncat 7.93): nc.openbsd sleeps after each block it sent to the network,
 * the received data is not held up; ncat holds every block it read, either way, for the delay
 * before writing it. Index 0 of the pauses is address 1 -> 2. */
static void pacing(const struct nc_opts *o, struct relay_config *rc, bool local_is_1)
{
	const int to_net = local_is_1 ? 0 : 1;
	if (o->interval > 0)
		rc->pause_after_write[to_net] = o->interval;
	if (o->delay > 0)
		rc->pause_before_write[0] = rc->pause_before_write[1] = o->delay;
}

/* -W recvlimit: after that many reads from the network nc stops reading both sides and ends,
 * as nc.openbsd (exit 0 once what was read is written). */
static void recv_limit(struct abuf *b, const struct nc_opts *o)
{
	if (o->recvlimit > 0)
		ab_add(b, ",readpackets=%d,eof-ends", o->recvlimit);
}

/* Optional dump file (-o traditional, ncat -o/-x). */
static struct nc_dumper *start_dump(const struct nc_opts *o, struct run_plan *p, bool local_is_1)
{
	const char *file = o->hexdump_file ? o->hexdump_file : o->output_file;
	if (!file)
		return NULL;
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (o->append_output ? O_APPEND : O_TRUNC);
	int fd = open(file, flags, 0644);
	if (fd < 0) {
		nc_err(o, "%s: %s", file, strerror(errno));
		return NULL;
	}
	enum nc_dump_kind kind = !o->hexdump_file ? NC_DUMP_RAW : o->hexdump_ncat ? NC_DUMP_NCAT_HEX : NC_DUMP_TRAD;
	int sent, recvd;
	struct nc_dumper *d = nc_dumper_start(fd, kind, &sent, &recvd);
	if (!d) {
		close(fd);
		return NULL;
	}
	/* sniff_fd[0]: address 1 -> 2; [1]: 2 -> 1. */
	p->relay.sniff_fd[0] = local_is_1 ? sent : recvd;
	p->relay.sniff_fd[1] = local_is_1 ? recvd : sent;
	return d;
}

static int run_one(const struct nc_opts *o, struct nc_run *r, const char *a1, const char *a2, bool local_is_1,
		   const char *what)
{
	struct run_plan p;
	run_plan_init(&p);
	p.addr_text[0] = a1;
	p.addr_text[1] = a2;
	p.xg.ipv = o->family == 6 ? 6 : o->family == 4 ? 4 : 0;
	p.xg.experimental = true; /* SOCKS5 */
	p.hooks = &nc_hooks;
	p.hooks_arg = r;
	bool ignoreeof, shut_none;
	eof_rules(o, &p.relay, &ignoreeof, &shut_none);
	if (o->send_only)
		p.relay.dir = local_is_1 ? RELAY_LEFT_TO_RIGHT : RELAY_RIGHT_TO_LEFT;
	pacing(o, &p.relay, local_is_1);
	/* stdout's reader gone (error or hangup polled on it): nc.openbsd and ncat stop reading
	 * the network and end once stdin is done too (exit 0); a program's pipes stay the
	 * engine's */
	if (!o->exec_prog && !o->sh_cmd)
		p.relay.out_gone_ends[local_is_1 ? 1 : 0] = true;
	r->net_idx = local_is_1 ? 2 : 1;
	p.relay.io_error = nc_io_error;
	p.relay.io_error_arg = r;
	if (run_plan_resolve(&p) < 0) {
		if (what)
			nc_err(o, "%s is not available in this build of duct yet (address: %s)", what, local_is_1 ? a2 : a1);
		run_plan_free(&p);
		return o->dialect == NC_NCAT ? 2 : 1;
	}
	struct nc_dumper *d = start_dump(o, &p, local_is_1);
	int st = run_plan_run(&p);
	if (r->open_error && o->dialect == NC_NCAT && st == 1)
		st = 2; /* ncat: anything but a network error during the session */
	run_plan_free(&p);      /* closes the sniff fds: the dumper sees EOF */
	nc_dumper_finish(d);
	return st;
}

int nc_run(const struct nc_opts *o)
{
	struct nc_run r = { .o = o, .listen = o->listen };
	struct run_plan tmp;
	run_plan_init(&tmp);
	struct abuf loc = { .n = 0 }, net = { .n = 0 };
	bool ignoreeof, shut_none;
	eof_rules(o, &tmp.relay, &ignoreeof, &shut_none);
	local_addr(&loc, o, ignoreeof);

	/* Quietly, as nc: the engine's own log lines only for real errors. */
	if (log_cfg()->min_level < LOG_E)
		log_cfg()->min_level = LOG_E;

	if (o->listen) {
		const char *port = o->nports ? o->ports[0] : o->source_port;
		if (!o->unix_sock && !port) {
			nc_err(o, "missing port number");
			return 1;
		}
		if (o->ssl && !o->ssl_cert) {
			nc_err(o, "--ssl in listen mode needs --ssl-cert and --ssl-key in duct (no temporary key generation yet)");
			return o->dialect == NC_NCAT ? 2 : 1;
		}
		listen_addr(&net, o, port ? port : "");
		if (shut_none)
			ab_add(&net, ",shut-none");
		if (o->crlf)
			ab_add(&net, ",crnl-out");
		/* nc.openbsd -l and ncat -l end when the client has gone, even with stdin (a
		 * terminal) still open; a program (-e/-c) decides for itself */
		if (!o->exec_prog && !o->sh_cmd && o->recvlimit <= 0)
			ab_add(&net, ",eof-ends");
		recv_limit(&net, o);
		if (!o->unix_sock)
			ab_peer_lists(&net, o);
		if (net.overflow || loc.overflow) {
			nc_err(o, "argument too long");
			return 1;
		}
		r.port = port;
		return run_one(o, &r, net.s, loc.s, false, o->ssl ? "TLS (--ssl)" : NULL);
	}

	if (o->proxy || o->ssl) {
		if (o->unix_sock || o->udp) {
			nc_err(o, o->ssl ? "--ssl with -u/-U is not supported by duct yet" : "no proxy support for this mode");
			return 1;
		}
		remote_addr(&net, o, o->ports[0]);
		recv_limit(&net, o);
		if (shut_none)
			ab_add(&net, ",shut-none");
		if (o->crlf)
			ab_add(&net, ",crnl-out");
		if (net.overflow || loc.overflow) {
			nc_err(o, "argument too long");
			return 1;
		}
		return run_one(o, &r, loc.s, net.s, true, o->ssl ? "TLS (OPENSSL address)" : "proxy support (SOCKS/PROXY addresses)");
	}

	/* Plain clients: nc connects (exact messages, every resolved address, -w, -s/-p), the
	 * engine transfers. Several ports: a session on each in turn, as OpenBSD nc. */
	int status = 1;
	size_t nargs = o->unix_sock ? 1 : o->nports;
	for (size_t i = 0; i < nargs; i++) {
		uint16_t *ports = NULL;
		long np = 1;
		char err[256];
		if (!o->unix_sock) {
			np = nc_ports_expand(&o->ports[i], 1, o->udp ? "udp" : "tcp", &ports, err, sizeof err);
			if (np < 0) {
				nc_err(o, "%s", err);
				return 1;
			}
		}
		for (long k = 0; k < np; k++) {
			char pstr[8] = "";
			if (ports)
				snprintf(pstr, sizeof pstr, "%u", (unsigned)ports[k]);
			int fd;
			if (nc_connect(o, pstr, &fd) != 0)
				continue;
			struct abuf fdaddr = { .n = 0 };
			ab_add(&fdaddr, "FD:%d", fd);
			if (shut_none)
				ab_add(&fdaddr, ",shut-none");
			if (o->crlf)
				ab_add(&fdaddr, ",crnl-out");
			if (o->udp)
				ab_add(&fdaddr, ",null-eof"); /* nc.openbsd: recv() == 0 is EOF */
			recv_limit(&fdaddr, o);
			int st = run_one(o, &r, loc.s, fdaddr.s, true, NULL);
			/* FD:n belongs to the engine now (closed with the session). */
			if (o->quit > 0 && !o->udp)
				sleep((unsigned)o->quit);
			status = st;
		}
		free(ports);
	}
	nc_cleanup_tmp();
	return status;
}
