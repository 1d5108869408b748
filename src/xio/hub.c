/* BROKER, CHAT and FANOUT: one hub per process that every session opening the address joins
 * (a fork listener's connections become its members), as ncat's --broker, --chat and
 * --keep-open without a program.
 *
 * Each member is a socketpair(AF_UNIX, SOCK_STREAM): the session gets one end as its endpoint
 * and relays it to its peer as any other address; the hub keeps the other end and copies what
 * it reads there to the other members. So the engine needs nothing new, and a member that
 * leaves is a socketpair end reading EOF.
 *
 *   BROKER  every member's data goes to every other member (not back to the sender);
 *   CHAT    BROKER with ncat's framing: "<userN> " before each block read, control bytes as
 *           \ooo, "<announce> ..." lines when a member joins or leaves;
 *   FANOUT  a star: the process's stdin goes to every member, every member's data to stdout;
 *           members don't hear each other.
 *
 * hub-stdio=in|out|inout|none makes the process's own stdin (in) and stdout (out) a member:
 * in for ncat --broker/--chat (stdin is <user0>), inout for ncat -k. Stdin is read only while
 * at least one other member is there, as ncat does, so nothing typed before the first client
 * is lost (and stdin's EOF is seen only then).
 *
 * Back-pressure: each member has an output queue; while any queue holds HUB_HIGH bytes or
 * more the hub reads from nobody, so the slowest reader holds every sender back (through the
 * socketpairs and the sessions, down to the senders' TCP windows). Nothing is dropped; ncat
 * does the same in effect (its broadcast writes block the whole server). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "xio/core.h"

enum hub_kind { HUB_BROKER, HUB_CHAT, HUB_FANOUT, HUB_KINDS };

#define HUB_HIGH (64 * 1024) /* an output queue this full stops all reading */
#define HUB_STEP (16 * 1024) /* bytes read from a member at a time */
/* ncat names chat users by their fd; a listener on one socket gives its first client fd 4 */
#define HUB_FIRST_USER 4

struct hub;

/* A growable byte string (output queues, chat lines). */
struct bytes {
	char *p;
	size_t len, cap;
};

static int bytes_add(struct bytes *b, const char *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		char *q = realloc(b->p, cap);
		if (!q)
			return -1;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

struct hub_member {
	struct hub *hub;
	struct hub_member *next;  /* members sorted by id (the order of "already connected") */
	int rfd, wfd;             /* -1: that direction is absent; equal for socketpair ends */
	bool r_poll, w_poll;      /* epoll can watch the fd (stdin may be a file or /dev/null) */
	bool r_reg, w_reg;        /* registered with the loop */
	uint32_t r_ev, w_ev;      /* events asked for now */
	bool is_stdio;
	bool eof;                 /* nothing more to read */
	bool shut;                /* our write side is shut down (FANOUT after stdin's EOF) */
	bool write_failed;
	bool dead;                /* its connection failed while sending: removed after the pass */
	bool deaf;                /* its session only writes into the hub (-u): send it nothing, or
				     its unread queue would hold everyone back */
	bool read_deferred;       /* a deferred read of an unpollable rfd is queued */
	int id;                   /* CHAT: <userN>; stdio is <user0> */
	char peer[64];            /* CHAT: the client's address for <announce> */
	struct bytes out;         /* queued output: out.p[off..out.len) */
	size_t off;
};

struct hub {
	enum hub_kind kind;
	struct loop *lp;
	struct hub_member *members;
	struct hub_member *stdio;  /* NULL: hub-stdio=none */
	unsigned nclients;         /* members other than stdio */
	bool stdout_lost_logged;
};

static struct hub *hubs[HUB_KINDS];

static void hub_update_all(struct hub *h);
static void member_remove(struct hub_member *m);
static void remove_dead(struct hub *h);

/* ---- output queues ---- */

static int queue_add(struct hub_member *m, const char *p, size_t n)
{
	if (m->off > 0 && m->off == m->out.len)
		m->off = m->out.len = 0;
	return bytes_add(&m->out, p, n);
}

static size_t queued(const struct hub_member *m)
{
	return m->out.len - m->off;
}

static bool hub_congested(const struct hub *h)
{
	for (const struct hub_member *m = h->members; m; m = m->next)
		if (queued(m) >= HUB_HIGH)
			return true;
	return false;
}

/* Write what is queued for m. Returns -1 when m failed for good (the caller removes it, or
 * for stdout stops writing there). */
static int member_flush(struct hub_member *m)
{
	while (queued(m) > 0) {
		ssize_t w = write(m->wfd, m->out.p + m->off, queued(m));
		if (w > 0) {
			m->off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN && m->w_poll)
			return 0;
		return -1;
	}
	m->off = m->out.len = 0;
	if (m->shut && m->wfd >= 0 && !m->is_stdio)
		shutdown(m->wfd, SHUT_WR);
	return 0;
}

/* The process's stdout failed (EPIPE, disk full): say so once, stop writing there. */
static void stdout_lost(struct hub_member *m)
{
	struct hub *h = m->hub;
	if (!h->stdout_lost_logged)
		ERR("%s: writing to stdout: %s; the members' data is no longer written there",
		    h->kind == HUB_FANOUT ? "FANOUT" : h->kind == HUB_CHAT ? "CHAT" : "BROKER", strerror(errno));
	h->stdout_lost_logged = true;
	m->write_failed = true;
	m->off = m->out.len = 0;
}

/* Queue n bytes for m and try to write them. Returns -1 when m must be removed. */
static int member_send(struct hub_member *m, const char *p, size_t n)
{
	if (m->wfd < 0 || m->write_failed || m->shut)
		return 0;
	if (queue_add(m, p, n) < 0) {
		ERR("hub: out of memory queueing %zu bytes", n);
		return -1;
	}
	if (member_flush(m) < 0) {
		if (m->is_stdio) {
			stdout_lost(m);
			return 0;
		}
		return -1;
	}
	return 0;
}

/* Does to hear from? */
static bool hears(const struct hub *h, const struct hub_member *to, const struct hub_member *from)
{
	if (to == from || to->wfd < 0 || to->dead || to->deaf)
		return false;
	if (h->kind == HUB_FANOUT)
		return from == NULL || from->is_stdio != to->is_stdio;
	return true;
}

/* Send to every member that hears from (from NULL: an announcement, to everyone). Members
 * whose connection failed are marked and removed after the pass (a removal announces itself
 * in CHAT, which sends again). */
static void hub_send(struct hub *h, const struct hub_member *from, const char *p, size_t n)
{
	for (struct hub_member *m = h->members; m; m = m->next)
		if (!m->dead && hears(h, m, from) && member_send(m, p, n) < 0)
			m->dead = true;
}

static void remove_dead(struct hub *h)
{
	for (struct hub_member *m = h->members; m; m = m->next) {
		if (m->dead) {
			member_remove(m);
			m = h->members; /* the list changed; dead members are few */
			if (!m)
				return;
		}
	}
}

/* ---- CHAT framing (as ncat 7.93) ---- */

/* Chat lines are written with stdio into a memory stream (open_memstream). */
struct text {
	FILE *f;
	char *s;
	size_t n;
};

static FILE *text_open(struct text *t)
{
	t->s = NULL;
	t->n = 0;
	t->f = open_memstream(&t->s, &t->n);
	if (!t->f)
		ERR("CHAT: open_memstream: %s", strerror(errno));
	return t->f;
}

/* Close the stream and send what it holds (nothing when memory ran out on the way). */
static void text_send(struct hub *h, const struct hub_member *from, struct text *t)
{
	bool bad = ferror(t->f) != 0;
	if (fclose(t->f) != 0 || bad)
		ERR("CHAT: formatting a message: %s", strerror(errno));
	else
		hub_send(h, from, t->s, t->n);
	free(t->s);
}

/* "<user4> " and the block, control bytes and bytes above 0x7e as \ooo (tab, CR and LF kept) */
static void chat_message(struct hub *h, const struct hub_member *from, const char *p, size_t n)
{
	struct text t;
	if (!text_open(&t))
		return;
	fprintf(t.f, "<user%d> ", from->id);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\r' || c == '\n')
			putc(c, t.f);
		else
			fprintf(t.f, "\\%03o", c);
	}
	text_send(h, from, &t);
}

static void chat_joined(struct hub *h, const struct hub_member *m)
{
	struct text t;
	if (!text_open(&t))
		return;
	fprintf(t.f, "<announce> %s is connected as <user%d>.\n<announce> already connected: ", m->peer, m->id);
	int others = 0;
	for (const struct hub_member *o = h->members; o; o = o->next) {
		if (o == m || o->is_stdio)
			continue;
		fprintf(t.f, "%s%s as <user%d>", others++ ? ", " : "", o->peer, o->id);
	}
	fprintf(t.f, "%s.\n", others ? "" : "nobody");
	text_send(h, NULL, &t);
}

/* ---- members ---- */

static void on_fd(struct loop *lp, int fd, uint32_t events, void *arg);

static void set_events(struct hub *h, int fd, bool poll, bool *reg, uint32_t *cur, uint32_t want, void *arg)
{
	if (fd < 0 || !poll || *cur == want)
		return;
	if (!*reg) {
		if (loop_add_fd(h->lp, fd, want, on_fd, arg) < 0)
			return;
		*reg = true;
	} else {
		loop_mod_fd(h->lp, fd, want);
	}
	*cur = want;
}

static bool wants_read(const struct hub_member *m, bool congested)
{
	if (m->rfd < 0 || m->eof || congested)
		return false;
	return !m->is_stdio || m->hub->nclients > 0;
}

static void read_deferred(struct loop *lp, void *arg);

/* Ask the loop for what m needs now: input unless the hub is congested, output while queued. */
static void member_update_c(struct hub_member *m, bool congested)
{
	struct hub *h = m->hub;
	bool rd = wants_read(m, congested);
	uint32_t wr = queued(m) > 0 && !m->write_failed ? LOOP_OUT : 0;
	if (m->rfd == m->wfd) {
		set_events(h, m->rfd, m->r_poll, &m->r_reg, &m->r_ev, (rd ? LOOP_IN : 0) | wr, m);
		return;
	}
	set_events(h, m->rfd, m->r_poll, &m->r_reg, &m->r_ev, rd ? LOOP_IN : 0, m);
	set_events(h, m->wfd, m->w_poll, &m->w_reg, &m->w_ev, wr, m);
	/* an fd epoll can't watch (a file, /dev/null) is always readable: read it from the loop */
	if (rd && !m->r_poll && !m->read_deferred) {
		m->read_deferred = true;
		loop_defer(h->lp, read_deferred, m);
	}
}

static void hub_update_all(struct hub *h)
{
	bool congested = hub_congested(h);
	for (struct hub_member *m = h->members; m; m = m->next)
		member_update_c(m, congested);
}

static void unregister(struct hub *h, int fd, bool *reg)
{
	if (*reg)
		loop_del_fd(h->lp, fd);
	*reg = false;
}

static void member_free(struct hub_member *m)
{
	struct hub *h = m->hub;
	unregister(h, m->rfd, &m->r_reg);
	if (m->wfd != m->rfd)
		unregister(h, m->wfd, &m->w_reg);
	if (m->read_deferred)
		loop_defer_cancel(h->lp, read_deferred, m);
	if (!m->is_stdio) {
		close(m->rfd);
	}
	free(m->out.p);
	free(m);
}

/* A client left (its session closed its end, or its end failed): drop what was queued for it
 * (nobody is there to read it), tell the others in CHAT. */
static void member_remove(struct hub_member *m)
{
	struct hub *h = m->hub;
	struct hub_member **pp = &h->members;
	while (*pp && *pp != m)
		pp = &(*pp)->next;
	if (!*pp)
		return;
	*pp = m->next;
	int id = m->id;
	bool client = !m->is_stdio;
	if (m->is_stdio)
		h->stdio = NULL;
	else
		h->nclients--;
	member_free(m);
	if (client && h->kind == HUB_CHAT) {
		struct text t;
		if (text_open(&t)) {
			fprintf(t.f, "<announce> <user%d> is disconnected.\n", id);
			text_send(h, NULL, &t);
		}
		remove_dead(h);
	}
	hub_update_all(h);
}

/* Stdin ended. FANOUT (ncat -k): every member gets EOF (members joining later don't: they
 * just hear nothing from stdin); BROKER and CHAT go on without it. Both as ncat. */
static void stdin_ended(struct hub *h, struct hub_member *s)
{
	s->eof = true;
	if (h->kind == HUB_FANOUT) {
		for (struct hub_member *m = h->members; m; m = m->next) {
			if (m->is_stdio)
				continue;
			m->shut = true;
			if (queued(m) == 0)
				shutdown(m->wfd, SHUT_WR);
		}
	}
	if (s->wfd < 0)
		member_remove(s);
}

/* Read one block from m and pass it on. Returns false when m is gone. */
static bool member_read(struct hub_member *m)
{
	struct hub *h = m->hub;
	char buf[HUB_STEP];
	ssize_t r = read(m->rfd, buf, sizeof buf);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (r <= 0) {
		if (r < 0 && m->is_stdio)
			ERR("%s: reading stdin: %s", h->kind == HUB_FANOUT ? "FANOUT" : h->kind == HUB_CHAT ? "CHAT" : "BROKER",
			    strerror(errno));
		bool stdio = m->is_stdio;
		if (stdio)
			stdin_ended(h, m);
		else
			member_remove(m);
		return stdio && h->stdio == m;
	}
	if (h->kind == HUB_CHAT)
		chat_message(h, m, buf, (size_t)r);
	else
		hub_send(h, m, buf, (size_t)r);
	remove_dead(h); /* never m: a sender doesn't hear itself */
	return true;
}

static void read_deferred(struct loop *lp, void *arg)
{
	struct hub_member *m = arg;
	struct hub *h = m->hub;
	m->read_deferred = false;
	if (wants_read(m, hub_congested(h)))
		member_read(m);
	hub_update_all(h);
}

static void on_fd(struct loop *lp, int fd, uint32_t events, void *arg)
{
	struct hub_member *m = arg;
	struct hub *h = m->hub;
	if (fd == m->wfd && (events & (LOOP_OUT | LOOP_ERR | LOOP_HUP)) && queued(m) > 0 && member_flush(m) < 0) {
		if (!m->is_stdio) {
			member_remove(m);
			return;
		}
		stdout_lost(m);
	}
	if (fd == m->rfd && (events & (LOOP_IN | LOOP_ERR | LOOP_HUP)) && wants_read(m, hub_congested(h)))
		member_read(m);
	hub_update_all(h);
}

/* The process's stdin and stdout, put back as they were at exit (a terminal's shell doesn't
 * expect them non-blocking). */
static int saved_fl[2] = { -1, -1 };

static void restore_stdio_flags(void)
{
	for (int fd = 0; fd < 2; fd++)
		if (saved_fl[fd] >= 0)
			fcntl(fd, F_SETFL, saved_fl[fd]);
}

static struct hub_member *member_new(struct hub *h, int rfd, int wfd)
{
	struct hub_member *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->hub = h;
	m->rfd = rfd;
	m->wfd = wfd;
	return m;
}

/* Insert m in id order. */
static void member_link(struct hub *h, struct hub_member *m)
{
	struct hub_member **pp = &h->members;
	while (*pp && (*pp)->id < m->id)
		pp = &(*pp)->next;
	m->next = *pp;
	*pp = m;
}

static int add_stdio(struct hub *h, const char *role)
{
	bool in = strchr(role, 'i') != NULL, out = strstr(role, "out") != NULL;
	struct hub_member *m = member_new(h, in ? 0 : -1, out ? 1 : -1);
	if (!m)
		return -1;
	m->is_stdio = true;
	for (int fd = 0; fd < 2; fd++) {
		if ((fd == 0 && !in) || (fd == 1 && !out))
			continue;
		int fl = fcntl(fd, F_GETFL);
		if (fl < 0) {
			ERR("hub-stdio=%s: fd %d: %s", role, fd, strerror(errno));
			free(m);
			return -1;
		}
		if (saved_fl[fd] < 0) {
			if (saved_fl[0] < 0 && saved_fl[1] < 0)
				atexit(restore_stdio_flags);
			saved_fl[fd] = fl;
		}
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	}
	struct endpoint probe = { .rfd = m->rfd, .wfd = m->wfd };
	xio_classify_fds(&probe);
	m->r_poll = m->rfd >= 0 && !(probe.flags & EPF_RNOPOLL);
	m->w_poll = m->wfd >= 0 && !(probe.flags & EPF_WNOPOLL);
	h->stdio = m;
	member_link(h, m);
	return 0;
}

/* the words the registry row lists (in, out, inout, none) */
static bool valid_role(const char *s)
{
	for (const char *const *v = opt_by_id(OPT_HUB_STDIO)->values; *v; v++)
		if (!strcmp(s, *v))
			return true;
	return false;
}

/* The hub of this kind, made at the first open (the options of that open set it up). */
static struct hub *hub_get(struct xio_open *op, enum hub_kind kind, const char *role)
{
	if (hubs[kind])
		return hubs[kind];
	struct hub *h = calloc(1, sizeof *h);
	if (!h) {
		ERR("%s: out of memory", op->typed);
		return NULL;
	}
	h->kind = kind;
	h->lp = op->loop;
	if (strcmp(role, "none") && add_stdio(h, role) < 0) {
		free(h);
		return NULL;
	}
	hubs[kind] = h;
	return h;
}

/* The peer's address from the other address's environment (PREFIX_PEERADDR), brackets off. */
static void peer_from_env(const struct xio_open *op, char *buf, size_t len)
{
	snprintf(buf, len, "%s", "unknown");
	for (char *const *e = op->env_in; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq || eq - *e < 9 || strncmp(eq - 9, "_PEERADDR", 9))
			continue;
		const char *v = eq + 1;
		size_t n = strlen(v);
		if (n >= 2 && v[0] == '[' && v[n - 1] == ']')
			snprintf(buf, len, "%.*s", (int)(n - 2), v + 1);
		else
			snprintf(buf, len, "%s", v);
		return;
	}
}

/* Lowest free user number, as ncat's lowest free fd. */
static int free_id(const struct hub *h)
{
	int id = HUB_FIRST_USER;
	for (const struct hub_member *m = h->members; m; m = m->next)
		if (m->id == id)
			id++;
	return id;
}

static int hub_open(struct xio_open *op)
{
	enum hub_kind kind = (enum hub_kind)op->h->arg;
	const char *role = kind == HUB_FANOUT ? "inout" : "none";
	opt_take_str(&op->opts, OPT_HUB_STDIO, &role);
	if (!valid_role(role)) {
		ERR("%s: hub-stdio=\"%s\": expected in, out, inout or none", op->typed, role);
		return -1;
	}
	if (kind == HUB_FANOUT && !strcmp(role, "none")) {
		ERR("%s: hub-stdio=none leaves nothing to fan out from (FANOUT links stdio with every member); "
		    "use BROKER for members talking to each other",
		    op->typed);
		return -1;
	}
	if (op->is_child_session || (op->g && op->g->classic_fork)) {
		ERR("%s: the members of a hub must share one process, but this connection has a process of its "
		    "own (--fork-process, or su/chroot/setuid...); use the in-loop fork",
		    op->typed);
		return -1;
	}
	struct hub *h = hub_get(op, kind, role);
	if (!h)
		return -1;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
		return xio_fail_errno(op, "socketpair(AF_UNIX, SOCK_STREAM)");
	struct hub_member *m = member_new(h, sv[0], sv[0]);
	if (!m) {
		close(sv[0]);
		close(sv[1]);
		ERR("%s: out of memory", op->typed);
		return -1;
	}
	m->r_poll = m->w_poll = true;
	m->deaf = !(op->dir & XIO_RDONLY);
	m->id = free_id(h);
	peer_from_env(op, m->peer, sizeof m->peer);
	struct endpoint *ep = xio_make_endpoint(op, sv[1], sv[1], "hub member");
	if (!ep) {
		member_free(m);
		return -1;
	}
	ep->flags |= EPF_SOCKET;
	if (xio_take_appl_opts(op, ep) < 0) {
		endpoint_close(ep);
		member_free(m);
		return -1;
	}
	member_link(h, m);
	h->nclients++;
	if (kind == HUB_CHAT) {
		chat_joined(h, m);
		remove_dead(h);
	}
	hub_update_all(h);
	xio_finish(op, ep);
	return 0;
}

#define HUB_HANDLER(var, kw, kind, text)                                                                      \
	const struct xio_handler var = { .name = kw, .usage = "", .min_params = 0, .max_params = 0,             \
					 .groups = G(APPL), .dirs = XIO_RDWR, .arg = kind,                        \
					 .flags = XH_PEER_INFO | XH_IN_PROCESS,                           \
					 .open = hub_open, .help = text }

HUB_HANDLER(xio_broker, "BROKER", HUB_BROKER,
	    "every session opening it joins one hub; each member's data goes to all the others (ncat --broker)");
HUB_HANDLER(xio_chat, "CHAT", HUB_CHAT,
	    "BROKER with ncat --chat's framing: <userN> prefixes, escaped control bytes, <announce> lines");
HUB_HANDLER(xio_fanout, "FANOUT", HUB_FANOUT,
	    "stdin to every session opening it, their data to stdout, none to each other (ncat -k)");
