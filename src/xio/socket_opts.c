/* Option intake of the socket machinery (socket_int.h): the options every socket address takes
 * (fork, retry, timeouts, bind=, filters, send-proxy...), the resolver options, and the checks of
 * what needs a process of its own. */
#include "xio/socket_int.h"

#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

/* ---------- option intake ---------- */

int sk_ip_family(struct xio_open *op, int handler_family)
{
	const char *pf = NULL;
	bool have = opt_take_str(&op->opts, OPT_PF, &pf);
	if (handler_family == AF_INET || handler_family == AF_INET6)
		return handler_family;
	if (!have)
		return AF_UNSPEC;
	char err[200];
	int f = sa_parse_pf(pf, err, sizeof err);
	if (f == 4)
		f = AF_INET;
	else if (f == 6)
		f = AF_INET6;
	if (f < 0 || (f != AF_INET && f != AF_INET6 && f != AF_UNSPEC)) {
		sk_addr_error(op, "%s", f < 0 ? err : "protocol-family must be ip4 or ip6 here");
		return -1;
	}
	return f;
}

int sk_resolve_flags(struct xio_open *op, bool passive)
{
	int flags = passive ? SA_PASSIVE : 0;
	bool b;
	if (opt_take_bool(&op->opts, OPT_AI_PASSIVE, &b))
		flags = b ? flags | SA_PASSIVE : flags & ~SA_PASSIVE;
	if (opt_take_bool(&op->opts, OPT_AI_ADDRCONFIG, &b) && b)
		flags |= SA_ADDRCONFIG;
	if (opt_take_bool(&op->opts, OPT_AI_V4MAPPED, &b) && b)
		flags |= SA_V4MAPPED;
	if (opt_take_bool(&op->opts, OPT_AI_ALL, &b) && b)
		flags |= SA_ALL;
	int r = sk_take_resolver_opts(op);
	if (r < 0)
		return -1;
	if (r)
		flags |= SA_THIS_THREAD;
	return flags;
}

int sk_take_resolver_opts(struct xio_open *op)
{
	static const struct { enum opt_id id; unsigned long bit; } flags[] = {
		{ OPT_RES_DEBUG, RES_DEBUG }, { OPT_RES_DEFNAMES, RES_DEFNAMES }, { OPT_RES_DNSRCH, RES_DNSRCH },
		{ OPT_RES_IGNTC, RES_IGNTC }, { OPT_RES_RECURSE, RES_RECURSE }, { OPT_RES_STAYOPEN, RES_STAYOPEN },
		{ OPT_RES_USEVC, RES_USEVC },
	};
	bool touched = false;
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		bool b;
		if (opt_take_bool(&op->opts, flags[i].id, &b)) {
			if (!touched && !(_res.options & RES_INIT))
				res_init();
			touched = true;
			if (b)
				_res.options |= flags[i].bit;
			else
				_res.options &= ~flags[i].bit;
		}
	}
	long long v;
	if (opt_take_int(&op->opts, OPT_RES_RETRANS, &v)) {
		if (!(_res.options & RES_INIT))
			res_init();
		_res.retrans = (int)v;
		touched = true;
	}
	if (opt_take_int(&op->opts, OPT_RES_RETRY, &v)) {
		if (!(_res.options & RES_INIT))
			res_init();
		_res.retry = (int)v;
		touched = true;
	}
	struct opt_value *ns = opt_take(&op->opts, OPT_RES_NSADDR);
	if (ns && ns->s) {
		/* an IPv4 address or a name (looked up now, once, as socat 1.8 does), port 53 by default */
		char h[256] = "", p[64] = "";
		struct sa_list l = {0};
		char err[300] = "no name server";
		if (sa_split_hostport(ns->s, h, sizeof h, p, sizeof p, err, sizeof err) < 0 || !h[0] ||
		    sa_resolve(h, *p ? p : "53", AF_INET, 4, SOCK_DGRAM, 0, 0, &l, err, sizeof err) < 0) {
			if (!h[0])
				snprintf(err, sizeof err, "no name server");
			ERR("%s: res-nsaddr=%s: %s; give the name server as an IPv4 address or a name of one, "
			    "with :PORT if not 53", op->typed, ns->s, err);
			sa_list_free(&l);
			return -1;
		}
		if (!(_res.options & RES_INIT))
			res_init();
		_res.nsaddr_list[0] = l.a[0].u.in4;
		_res.nscount = 1;
		sa_list_free(&l);
		touched = true;
	}
	return touched;
}

void sk_check_process_opts(struct xio_open *op)
{
	if (op->g && op->g->classic_fork) {
		op->needs_process = true;
		return;
	}
	static const enum opt_id proc[] = {
		OPT_CHROOT, OPT_CHROOT_EARLY, OPT_SETUID, OPT_SETUID_EARLY, OPT_SETGID, OPT_SETGID_EARLY,
		OPT_SU, OPT_SU_DELAYED, OPT_SU_EARLY, OPT_SETSID, OPT_NETNS,
	};
	for (size_t i = 0; i < op->opts.n; i++) {
		const struct opt_def *d = op->opts.v[i].def;
		if (!d)
			continue;
		for (size_t k = 0; k < sizeof proc / sizeof proc[0]; k++)
			if (d->id == proc[k])
				op->needs_process = true;
	}
}

int sk_filter_take(struct xio_open *op, struct sk_filter *f, int family_hint)
{
	struct opt_list *l = &op->opts;
	long long v;
	const char *str;
	bool b;
	char err[400];
	f->sourceport = -1;
	if (opt_take_int(l, OPT_SOURCEPORT, &v))
		f->sourceport = (int)(v & 0xffff);
	if (opt_take_bool(l, OPT_LOWPORT, &b))
		f->lowport = b;
	if (opt_take_str(l, OPT_RANGE, &str) && str) {
		if (sa_range_parse(str, family_hint, &f->range, err, sizeof err) < 0) {
			sk_addr_error(op, "%s", err);
			return -1;
		}
		f->has_range = true;
	}
	static const struct { enum opt_id id; bool file, deny; } lists[] = {
		{ OPT_ALLOW, false, false }, { OPT_ALLOW_FILE, true, false },
		{ OPT_DENY, false, true }, { OPT_DENY_FILE, true, true },
	};
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		struct sa_rangelist *rl = lists[i].deny ? &f->deny : &f->allow;
		if (!opt_take_str(l, lists[i].id, &str) || !str)
			continue;
		int r = lists[i].file ? sa_rangelist_load(rl, str, err, sizeof err) : sa_rangelist_add(rl, str, err, sizeof err);
		if (r < 0) {
			sk_addr_error(op, "%s", err);
			return -1;
		}
		sk_filter_remember(f, lists[i].file, lists[i].deny, str);
	}
	return 0;
}

void sk_filter_free(struct sk_filter *f)
{
	sk_filter_forget(f);
	sa_rangelist_free(&f->allow);
	sa_rangelist_free(&f->deny);
}

int sk_take_common(struct sk *s)
{
	struct xio_open *op = s->op;
	struct opt_list *l = &op->opts;
	long long v;
	double d;
	const char *str;
	bool b;

	s->interval = 1.0;
	s->backlog = 5;
	s->tight = true;
	if (!s->rq.has_bind && opt_take_str(l, OPT_BIND, &str) && str)
		s->bind_text = strdup(str);
	int hint = s->rq.local.len ? s->rq.local.u.sa.sa_family :
		   s->rq.peers.n ? s->rq.peers.a[0].u.sa.sa_family : AF_UNSPEC;
	if (s->rq.has_range) /* generic sockets: range= parsed in the address's own notation */
		opt_drop(l, OPT_RANGE);
	if (sk_filter_take(op, &s->f, hint) < 0)
		return -1;
	if (s->rq.has_range) {
		s->f.range = s->rq.range;
		s->f.has_range = true;
	}
	if (opt_take_bool(l, OPT_FORK, &b))
		s->fork = b;
	if (opt_take_int(l, OPT_MAX_CHILDREN, &v))
		op->max_children = v > 0 ? (int)v : 0;
	if (opt_take_int(l, OPT_MAX_CONN_RATE, &v)) {
		if (v < 1 || v > 1000000 || sk_is_dgram_type(s->rq.type)) {
			ERR("%s: max-conn-rate=%lld: %s", op->typed, v,
			    sk_is_dgram_type(s->rq.type) ? "only a stream listener accepts connections (leave it out)"
							 : "expected connections per second, 1..1000000");
			return -1;
		}
		s->crate.max = (unsigned)v;
	}
	if (opt_take_int(l, OPT_MAX_PER_IP, &v)) {
		const char *why = v < 1 || v > 1000000 ? "expected live sessions per client address, 1..1000000" :
				  sk_is_dgram_type(s->rq.type) ? "only a stream listener accepts connections (leave it out)" :
				  (op->g && op->g->classic_fork) || op->needs_process ?
				  "sessions served in processes of their own (--fork-process, setuid, chroot...) can't be counted yet" : NULL;
		if (why) {
			ERR("%s: max-per-ip=%lld: %s", op->typed, v, why);
			return -1;
		}
		s->perip = per_ip_new((unsigned)v);
	}
	if (opt_take_int(l, OPT_CHILDREN_SHUTUP, &v))
		log_cfg()->children_shutup = (int)v;
	if (opt_take_int(l, OPT_RETRY, &v))
		s->retries = v;
	if (opt_take_bool(l, OPT_FOREVER, &b))
		s->forever = b;
	if (opt_take_time(l, OPT_INTERVAL, &d))
		s->interval = d;
	if (opt_take_time(l, OPT_CONNECT_TIMEOUT, &d))
		s->connect_timeout = d;
	if (opt_take_time(l, OPT_ACCEPT_TIMEOUT, &d))
		s->accept_timeout = d;
	if (opt_take_int(l, OPT_BACKLOG, &v))
		s->backlog = (int)v;
	if (opt_take_int(l, OPT_SO_TYPE, &v))
		s->rq.type = (int)v;
	if (opt_take_int(l, OPT_SO_PROTOCOL, &v))
		s->rq.protocol = (int)v;
	if (opt_take_bool(l, OPT_UNIX_TIGHTSOCKLEN, &b))
		s->tight = b;
	struct opt_value *tn = opt_take(l, OPT_UNIX_BIND_TEMPNAME);
	if (tn) {
		s->bind_tempname = true;
		if (tn->s && *tn->s)
			s->tempname_tmpl = strdup(tn->s);
	}
	if (opt_take_bool(l, OPT_UNLINK_CLOSE, &b))
		s->rq.unlink_close = b;
	if (opt_take_bool(l, OPT_ACCEPT_PROXY, &b) && b) {
		sk_addr_error(op, "option accept-proxy: only TCP-LISTEN (TCP4-, TCP6-), UNIX-LISTEN, ABSTRACT-LISTEN and "
				  "ACCEPT-FD read a PROXY header; put duct's TCP-LISTEN with accept-proxy in front");
		return -1;
	}
	if (opt_take_str(l, OPT_SEND_PROXY, &str)) {
		if (s->rq.role != SK_CONNECT || (s->rq.type != SOCK_STREAM && !s->rq.unix_client)) {
			sk_addr_error(op, "option send-proxy: only connecting stream addresses (TCP, UNIX-CONNECT, "
					  "OPENSSL...) send a PROXY header");
			return -1;
		}
		if (!str || (strcmp(str, "v1") && strcmp(str, "1") && strcmp(str, "v2") && strcmp(str, "2"))) {
			sk_addr_error(op, "option send-proxy=\"%s\": v1 or v2 expected (the PROXY protocol version)",
				      str ? str : "");
			return -1;
		}
		s->send_proxy = strchr(str, '1') ? 1 : 2;
	}
	/* sourceport/lowport belong to the port-based protocols only */
	if (s->rq.role == SK_DG_RECV || s->rq.role == SK_DG_RECVFROM || s->rq.role == SK_DG_LISTEN ||
	    s->rq.role == SK_LISTEN) {
		/* servers: a filter on peers; nothing to bind */
	}
	return 0;
}

/* Re-make the local address of UNIX servers/clients when tightsocklen changed. */
void sk_fix_unix_lengths(struct sk *s)
{
	char err[300];
	if (s->tight)
		return;
	if (s->rq.has_local && s->rq.local.u.sa.sa_family == AF_UNIX && s->rq.path)
		sa_unix(s->rq.path, s->rq.abstract, false, &s->rq.local, err, sizeof err);
	for (size_t i = 0; i < s->rq.peers.n; i++) {
		struct sa_addr *p = &s->rq.peers.a[i];
		if (p->u.sa.sa_family != AF_UNIX)
			continue;
		char path[sizeof p->u.un.sun_path + 1];
		sa_addr_text(&p->u.sa, p->len, path, sizeof path);
		sa_unix(path, s->rq.abstract, false, p, err, sizeof err);
	}
}
