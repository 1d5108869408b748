/* The control socket (control.h). Each client is read a line at a time; the answer is queued
 * and written as the client takes it. A client can't harm the relay: a line longer than
 * CTL_LINE_MAX gets an error and the connection ends; a client that doesn't read its answers
 * is no longer read from (its commands wait in the kernel) and is dropped when it takes
 * none of its answers for CTL_STALL_S seconds, or when the commands of one read would queue more than
 * CTL_OUT_MAX bytes of answers; at most CTL_CLIENTS_MAX clients at once. */
#include "run/control.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "loop/loop.h"
#include "relay/session.h"
#include "relay/session_info.h"
#include "run/observe.h"
#include "run/session_json.h"
#include "xio/xio.h"

#define CTL_LINE_MAX 4096
#define CTL_CLIENTS_MAX 64
#define CTL_STALL_S 10.0
#define CTL_OUT_MAX (8u << 20) /* answers queued for one client (many commands in one read) */

struct ctl_client {
	int fd;
	char in[CTL_LINE_MAX];
	size_t inlen;
	struct jbuf out;
	size_t outoff;
	bool ending;               /* answered the last thing it gets: close once written */
	struct loop_timer *stall;  /* its answers wait unread */
	struct ctl_client *next;
};

static struct loop *ctl_lp;
static int ctl_fd = -1;
static char ctl_path[sizeof ((struct sockaddr_un *)0)->sun_path];
static pid_t ctl_owner;
static struct ctl_client *clients;
static int nclients;

static void client_free(struct ctl_client *c)
{
	struct ctl_client **pp = &clients;
	while (*pp && *pp != c)
		pp = &(*pp)->next;
	if (*pp)
		*pp = c->next;
	if (c->stall)
		loop_timer_cancel(ctl_lp, c->stall);
	loop_del_fd(ctl_lp, c->fd);
	close(c->fd);
	jb_free(&c->out);
	free(c);
	nclients--;
}

static void stall_cb(struct loop *lp, void *arg)
{
	(void)lp;
	struct ctl_client *c = arg;
	c->stall = NULL;
	WARN("control socket: a client left %zu bytes of answers unread for %.0f s: dropped", c->out.len - c->outoff,
	     CTL_STALL_S);
	client_free(c);
}

/* Write what is queued. Returns -1 when the client is gone (freed). */
static int flush_client(struct ctl_client *c)
{
	size_t before = c->outoff;
	while (c->outoff < c->out.len) {
		ssize_t n = send(c->fd, c->out.p + c->outoff, c->out.len - c->outoff, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			client_free(c);
			return -1;
		}
		c->outoff += (size_t)n;
	}
	bool pending = c->outoff < c->out.len;
	if (!pending) {
		c->out.len = c->outoff = 0;
		if (c->stall)
			loop_timer_cancel(ctl_lp, c->stall);
		c->stall = NULL;
		if (c->ending) {
			client_free(c);
			return -1;
		}
	} else if (!c->stall || c->outoff > before) {
		/* the stall counts from the last byte the client took */
		if (c->stall)
			loop_timer_cancel(ctl_lp, c->stall);
		c->stall = loop_timer_add(ctl_lp, CTL_STALL_S, stall_cb, c);
	}
	/* while answers wait, read no more commands: the client's own backlog stays its own */
	loop_mod_fd(ctl_lp, c->fd, pending ? LOOP_OUT : LOOP_IN);
	return 0;
}

static void answer_error(struct ctl_client *c, const char *fmt, const char *arg)
{
	char t[400];
	snprintf(t, sizeof t, fmt, arg);
	jb_add(&c->out, "{\"error\":");
	jb_str(&c->out, t);
	jb_add(&c->out, "}\n");
}

struct find_id {
	unsigned long long id;
	struct session *found;
};

static void find_one(struct session *s, void *arg)
{
	struct find_id *f = arg;
	if (session_info(s)->id == f->id)
		f->found = s;
}

static void cmd_close(struct ctl_client *c, const char *arg)
{
	char *end;
	errno = 0;
	unsigned long long id = strtoull(arg, &end, 10);
	if (!*arg || *end || errno || *arg == '-') {
		answer_error(c, "close: expected a session number (see the command sessions), got \"%.200s\"", arg);
		return;
	}
	struct find_id f = { id, NULL };
	session_foreach(find_one, &f);
	if (!f.found) {
		answer_error(c, "close: no live session %.40s in this process (see the command sessions)", arg);
		return;
	}
	jb_add(&c->out, "{\"closed\":%llu}\n", id);
	session_close_now(f.found);
}

static void run_command(struct ctl_client *c, char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
		line[--n] = 0;
	while (*line == ' ')
		line++;
	if (!strcmp(line, "sessions")) {
		session_json_table(&c->out);
		jb_add(&c->out, "\n");
	} else if (!strcmp(line, "stats")) {
		struct observe_totals t;
		observe_totals(&t);
		jb_add(&c->out,
		       "{\"accepted\":%llu,\"refused\":%llu,\"active\":%llu,\"left_to_right\":%llu,\"right_to_left\":%llu}\n",
		       t.accepted, t.refused, t.active, t.bytes[0], t.bytes[1]);
	} else if (!strncmp(line, "close", 5) && (line[5] == ' ' || !line[5])) {
		cmd_close(c, line + 5 + strspn(line + 5, " "));
	} else if (!strcmp(line, "reload")) {
		char err[250];
		int done = xio_reload_filters(err, sizeof err);
		if (done < 0)
			answer_error(c, "reload: %s", err);
		else
			jb_add(&c->out, "{\"reloaded\":%d}\n", done);
	} else {
		answer_error(c, "unknown command \"%.100s\": expected sessions, stats, close N or reload", line);
	}
}

static void client_cb(struct loop *lp, int fd, uint32_t ev, void *arg)
{
	(void)lp;
	struct ctl_client *c = arg;
	if (ev & LOOP_OUT) {
		flush_client(c);
		return;
	}
	ssize_t n = read(fd, c->in + c->inlen, sizeof c->in - c->inlen);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* EOF: answers already queued are still delivered */
		if (c->out.len > c->outoff) {
			c->ending = true;
			flush_client(c);
		} else {
			client_free(c);
		}
		return;
	}
	c->inlen += (size_t)n;
	char *nl;
	size_t start = 0;
	while ((nl = memchr(c->in + start, '\n', c->inlen - start))) {
		*nl = 0;
		run_command(c, c->in + start);
		start = (size_t)(nl - c->in) + 1;
		if (c->out.len - c->outoff > CTL_OUT_MAX) {
			WARN("control socket: a client queued more than %u bytes of answers at once: dropped", CTL_OUT_MAX);
			client_free(c);
			return;
		}
	}
	memmove(c->in, c->in + start, c->inlen - start);
	c->inlen -= start;
	if (c->inlen == sizeof c->in) {
		answer_error(c, "command longer than %s bytes: one command a line (sessions, stats, close N, reload)", "4096");
		c->ending = true;
		shutdown(fd, SHUT_RD);
	}
	if (c->out.failed) {
		client_free(c);
		return;
	}
	if (c->out.len > c->outoff)
		flush_client(c);
}

static void accept_cb(struct loop *lp, int fd, uint32_t ev, void *arg)
{
	(void)ev;
	(void)arg;
	for (;;) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0)
			return;
		struct ctl_client *c = nclients < CTL_CLIENTS_MAX ? calloc(1, sizeof *c) : NULL;
		if (!c) {
			static const char busy[] = "{\"error\":\"too many control clients at once; try again\"}\n";
			(void)!send(cfd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
			close(cfd);
			continue;
		}
		c->fd = cfd;
		if (loop_add_fd(lp, cfd, LOOP_IN, client_cb, c) < 0) {
			close(cfd);
			free(c);
			continue;
		}
		c->next = clients;
		clients = c;
		nclients++;
	}
}

/* A socket file at path nobody answers on is left over from a relay that is gone. */
static bool stale_socket(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
		return false;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	bool stale = connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0 && errno == ECONNREFUSED;
	close(fd);
	return stale;
}

int control_open(struct loop *lp, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (!*path || strlen(path) >= sizeof sun.sun_path) {
		ERR("option --control: the socket path must be 1..%zu bytes, got %zu; choose a shorter path",
		    sizeof sun.sun_path - 1, strlen(path));
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ERR("option --control: socket(): %s", strerror(errno));
		return -1;
	}
	if (stale_socket(path))
		unlink(path);
	mode_t old = umask(0177); /* the socket is born 0600: no moment where others may connect */
	int r = bind(fd, (struct sockaddr *)&sun, sizeof sun);
	int e = errno;
	umask(old);
	if (r < 0 || listen(fd, 16) < 0) {
		ERR("option --control: cannot listen at \"%s\": %s%s", path, strerror(r < 0 ? e : errno),
		    (r < 0 && e == EADDRINUSE) ? "; another relay answers there, or the file is not a socket: choose another path"
						: "");
		close(fd);
		return -1;
	}
	chmod(path, 0600);
	if (loop_add_fd(lp, fd, LOOP_IN, accept_cb, NULL) < 0) {
		ERR("option --control: epoll: %s", strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	ctl_lp = lp;
	ctl_fd = fd;
	ctl_owner = getpid();
	snprintf(ctl_path, sizeof ctl_path, "%s", path);
	return 0;
}

void control_close(void)
{
	if (ctl_fd < 0)
		return;
	if (getpid() != ctl_owner) {
		/* a per-connection process: its loop closed the inherited fds at the fork */
		ctl_fd = -1;
		return;
	}
	while (clients)
		client_free(clients);
	loop_del_fd(ctl_lp, ctl_fd);
	close(ctl_fd);
	ctl_fd = -1;
	unlink(ctl_path);
}
