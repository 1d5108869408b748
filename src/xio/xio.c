/* The address-family layer: keyword lookup in the handler table, resolving a parsed address
 * (parameter counts, --experimental, option parsing against the handler's groups) and starting
 * and stopping opens. */
#include "xio/xio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "xio/core.h"
#include "xio/process.h"

const struct xio_handler *xio_find(const char *keyword)
{
	if (!keyword || !*keyword)
		return NULL;
	for (const struct xio_handler *const *hp = xio_handlers(); *hp; hp++) {
		const struct xio_handler *h = *hp;
		if (!strcasecmp(h->name, keyword))
			return h;
		for (const char *const *a = h->aliases; a && *a; a++)
			if (!strcasecmp(*a, keyword))
				return h;
	}
	return NULL;
}

/* How far a typo may be from a name and still be suggested. */
static int suggest_limit(size_t len)
{
	return len <= 4 ? 1 : len <= 8 ? 2 : 3;
}

const struct xio_handler *xio_suggest(const char *keyword)
{
	const struct xio_handler *best = NULL;
	int bestd = 1 << 30;

	if (!keyword || !*keyword)
		return NULL;
	for (const struct xio_handler *const *hp = xio_handlers(); *hp; hp++) {
		const struct xio_handler *h = *hp;
		int d = addr_edit_distance(keyword, h->name);
		if (d < bestd) {
			bestd = d;
			best = h;
		}
		for (const char *const *a = h->aliases; a && *a; a++) {
			d = addr_edit_distance(keyword, *a);
			if (d < bestd) {
				bestd = d;
				best = h;
			}
		}
	}
	if (!best || bestd > suggest_limit(strlen(keyword)))
		return NULL;
	return best;
}

const char *xio_dir_mode(unsigned dir)
{
	switch (dir & XIO_RDWR) {
	case XIO_RDONLY: return "read-only";
	case XIO_WRONLY: return "write-only";
	default: return "read-write";
	}
}

/* The keyword a single address names, after the grammar's shorthand forms. */
static const char *lookup_key(const struct addr_single *s)
{
	switch (s->form) {
	case AF_FORM_FDNUM: return "FD";
	case AF_FORM_PATH: return "GOPEN";
	case AF_FORM_STDIO: return "-";
	case AF_FORM_KEYWORD: break;
	}
	return s->keyword ? s->keyword : "";
}

/* A port parameter given empty ("TCP4-LISTEN:", "TCP4:host:") would bind a random port or
 * connect to port 0: refuse it. The handler's usage line names its parameters; the mandatory
 * "<port>" and "<target-port>" ones must not be empty (an optional "[:...]" segment counts
 * only when all parameters are given). Returns -1 with err set. */
static int check_empty_ports(const struct addr_single *s, const struct xio_handler *h, const char *typed,
			     char *err, size_t errlen)
{
	const char *u = h->usage;
	size_t idx = 0;
	bool with_opt = (int)s->nparams >= h->max_params;

	if (!u)
		return 0;
	while (*u && idx < s->nparams) {
		bool opt = false;
		if (*u == '[') {
			opt = true;
			u++;
		}
		if (*u != ':')
			break;
		u++;
		const char *e = u;
		while (*e && *e != ':' && *e != '[' && *e != ']')
			e++;
		size_t l = (size_t)(e - u);
		if (opt && !with_opt) {
			u = strchr(e, ']');
			if (!u)
				break;
			u++;
			continue;
		}
		bool is_port = (l == 6 && !memcmp(u, "<port>", 6)) || (l == 13 && !memcmp(u, "<target-port>", 13));
		if (is_port && (!s->params[idx] || !*s->params[idx])) {
			snprintf(err, errlen,
				 "%s: empty port/service in parameter %zu (usage: %s%s); give a port number or service name, e.g. %s%s8080",
				 typed, idx + 1, typed, h->usage, typed, idx ? ":...:" : ":");
			return -1;
		}
		idx++;
		u = e;
		if (*u == ']')
			u++;
	}
	return 0;
}

/* The grammar -> options step: the address's parsed options, handed to the registry as
 * name/value pairs (the registry knows no grammar). */
static int parse_addr_opts(const struct addr_single *s, const char *typed, uint64_t groups, bool nocheck,
			   struct opt_list *out, char *err, size_t errlen)
{
	struct opt_pair *pairs = NULL;
	if (s->nopts && !(pairs = calloc(s->nopts, sizeof *pairs))) {
		out->v = NULL;
		out->n = 0;
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < s->nopts; i++)
		pairs[i] = (struct opt_pair){ s->opts[i].name, s->opts[i].value, s->opts[i].text };
	int rc = opt_parse_list(pairs, s->nopts, typed, groups, nocheck, out, err, errlen);
	free(pairs);
	return rc;
}

static int resolve_single(const struct addr_single *s, const struct xio_globals *g, struct xio_addr *out,
			  char *err, size_t errlen)
{
	const char *typed = s->keyword ? s->keyword : "";
	const struct xio_handler *h = xio_find(lookup_key(s));

	memset(out, 0, sizeof *out);
	if (!h) {
		const struct xio_handler *sg = xio_suggest(typed);
		if (sg)
			snprintf(err, errlen, "unknown device/address \"%s\"; did you mean %s?", typed, sg->name);
		else
			snprintf(err, errlen, "unknown device/address \"%s\"", typed);
		return -1;
	}
	if ((h->flags & XH_EXPERIMENTAL) && !(g && g->experimental)) {
		snprintf(err, errlen, "%s: use option --experimental to acknowledge unmature state", typed);
		return -1;
	}
	if ((int)s->nparams < h->min_params || (int)s->nparams > h->max_params) {
		int want = (int)s->nparams < h->min_params ? h->min_params : h->max_params;
		snprintf(err, errlen, "%s: wrong number of parameters (%zu instead of %d): usage: %s%s", typed,
			 s->nparams, want, typed, h->usage ? h->usage : "");
		return -1;
	}
	if (check_empty_ports(s, h, typed, err, errlen) < 0)
		return -1;
	if (parse_addr_opts(s, typed, h->groups, g && g->nogroupcheck, &out->opts, err, errlen) < 0) {
		opt_list_free(&out->opts);
		return -1;
	}
	out->h = h;
	out->spec = s;
	return 0;
}

int xio_resolve(const struct addr_spec *spec, const struct xio_globals *g, struct xio_bi *out, char *err,
		size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!spec || !spec->single[0]) {
		snprintf(err, errlen, "empty address");
		return -1;
	}
	out->dual = spec->dual && spec->single[1];
	out->text = spec->text;
	for (int k = 0; k < (out->dual ? 2 : 1); k++) {
		if (resolve_single(spec->single[k], g, &out->half[k], err, errlen) < 0) {
			xio_bi_free(out);
			return -1;
		}
	}
	return 0;
}

bool xio_bi_starts_program(const struct xio_bi *bi)
{
	for (int k = 0; k < 2; k++)
		if (bi->half[k].h && ((bi->half[k].h->groups & G(EXEC)) || (bi->half[k].h->flags & XH_PEER_INFO)))
			return true;
	return false;
}

bool xio_bi_nofork(const struct xio_bi *bi)
{
	for (int k = 0; k < 2; k++) {
		const struct opt_list *l = &bi->half[k].opts;
		const struct opt_value *last = NULL;
		for (size_t i = 0; bi->half[k].h && i < l->n; i++)
			if (l->v[i].def && l->v[i].def->id == OPT_NOFORK)
				last = &l->v[i]; /* the last one given wins, as opt_take_bool */
		if (last && last->i)
			return true;
	}
	return false;
}

bool xio_bi_sends_proxy(const struct xio_bi *bi)
{
	for (int k = 0; k < 2; k++)
		if (bi->half[k].h && opt_present(&bi->half[k].opts, OPT_SEND_PROXY))
			return true;
	return false;
}

void xio_bi_free(struct xio_bi *bi)
{
	if (!bi)
		return;
	for (int k = 0; k < 2; k++)
		opt_list_free(&bi->half[k].opts);
	memset(bi, 0, sizeof *bi);
}

/* The opens whose h->open is running (innermost first) and what undoes their PH_INIT settings
 * (umask, chdir, netns). An address that delivers at once (a file, UDP-SENDTO to a literal
 * address) delivers from inside h->open, and the runner opens the other address from that
 * delivery: the settings must be gone by then, or address 2 would be created with address 1's
 * umask, in its directory, in its network namespace. */
static struct open_frame {
	struct open_frame *prev;
	const struct xio_open *op;
	struct proc_opts saved;
} *open_frames;

static void restore_then_deliver(struct xio_open *op, struct endpoint *ep, int status)
{
	for (struct open_frame *f = open_frames; f; f = f->prev)
		if (f->op == op) {
			proc_opts_restore(&f->saved);
			break;
		}
	op->deliver_to(op, ep, status);
}

int xio_open_start(struct xio_open *op, const struct xio_addr *a, unsigned dir, int index, struct loop *lp,
		   const struct xio_globals *g, struct endpoint *peer, xio_deliver_fn deliver, void *arg)
{
	memset(op, 0, sizeof *op);
	op->client = peer;
	op->h = a->h;
	op->spec = a->spec;
	op->typed = a->spec && a->spec->keyword ? a->spec->keyword : a->h->name;
	op->index = index;
	op->loop = lp;
	op->g = g;
	op->env_in = peer ? peer->env : NULL;
	op->peer = peer;
	op->deliver = restore_then_deliver;
	op->deliver_to = deliver;
	op->arg = arg;
	if (opt_list_copy(&a->opts, &op->opts) < 0) {
		ERR("%s: out of memory", op->typed);
		return -1;
	}

	dir &= XIO_RDWR;
	if (!dir)
		dir = XIO_RDWR;
	unsigned can = op->h->dirs & XIO_RDWR;
	if (can && (dir & ~can)) {
		/* socat 1.7.4 says nothing here, not even at -d -d (STDOUT, CREATE used read-write):
		 * an info line, shown from -d -d -d on */
		INFO("address is opened in %s mode but only supports %s", xio_dir_mode(dir), xio_dir_mode(can));
		/* Open what the address can do; if it can do nothing of what was asked, try anyway
		 * (STDIN used for writing works when fd 0 is a tty or socket). */
		if (dir & can)
			dir &= can;
	}
	op->dir = dir;

	if (proc_opts_take(&op->opts, &op->proc, op->typed) < 0 || xio_take_locks(op) < 0)
		goto fail;
	if (proc_opts_apply(&op->proc, PH_INIT, op->typed) < 0 || proc_opts_apply(&op->proc, PH_EARLY, op->typed) < 0) {
		proc_opts_restore(&op->proc);
		goto fail;
	}
	/* The temporary settings of PH_INIT (cwd, umask, netns) last for the synchronous part of
	 * the open, up to its first delivery. op may be gone when h->open returns (a failed open
	 * delivered NULL and the caller freed it), so keep what the restore needs here. */
	struct open_frame fr = { .prev = open_frames, .op = op, .saved = op->proc };
	op->proc.saved_cwd = op->proc.saved_netns = -1;
	op->proc.has_umask = false;
	open_frames = &fr;
	int rc = op->h->open(op);
	open_frames = fr.prev;
	proc_opts_restore(&fr.saved);
	return rc;
fail:
	xio_release_locks(op);
	opt_list_free(&op->opts);
	return -1;
}

void xio_open_stop(struct xio_open *op)
{
	if (!op || !op->h)
		return;
	if (op->h->stop)
		op->h->stop(op);
	xio_release_locks(op); /* after the handler closed what it holds */
	opt_list_free(&op->opts);
}
