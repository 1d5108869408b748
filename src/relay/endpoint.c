#include "relay/endpoint.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "relay/linger.h"

struct endpoint *endpoint_new(void)
{
	struct endpoint *ep = calloc(1, sizeof *ep);
	if (!ep)
		return NULL;
	ep->rfd = ep->wfd = -1;
	ep->escape = -1;
	ep->shut = EP_SHUT_DEFAULT;
	ep->lineterm = EP_LT_RAW;
	return ep;
}

struct ep_report *endpoint_report(struct endpoint *ep)
{
	static struct ep_report lost; /* out of memory: the report goes nowhere */
	if (!ep->report)
		ep->report = calloc(1, sizeof *ep->report);
	return ep->report ? ep->report : &lost;
}

static void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static int strv_add(char ***vp, char *s)
{
	size_t n = 0;
	if (*vp)
		while ((*vp)[n])
			n++;
	char **v = realloc(*vp, (n + 2) * sizeof *v);
	if (!v)
		return -1;
	v[n] = s;
	v[n + 1] = NULL;
	*vp = v;
	return 0;
}

/* Closing a stream socket that still has unread input makes the kernel answer with an RST
 * and throw away what is still in the send queue: the peer would lose the end of the data
 * (duct -u FILE TCP:peer with a peer that greets, TLS session tickets nobody reads). Read and
 * discard what has arrived, then close, or linger while our last bytes are still queued (what
 * arrives later would cause the same RST). After the peer's EOF nothing more can arrive. */
static bool close_shared; /* endpoint_close_shared: another process still serves these fds */

static void close_stream_socket(int fd, bool input_done)
{
	if (!input_done && !close_shared) {
		char buf[16384];
		for (int i = 0; i < 1024 && recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0; i++)
			;
		if (linger_take(fd))
			return;
	}
	close(fd);
}

void endpoint_close_fd(int fd)
{
	struct stat st;
	int type = 0;
	socklen_t tl = sizeof type;
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_STREAM)
		close_stream_socket(fd, false);
	else
		close(fd);
}

struct ep_unlink {
	struct ep_unlink *next;
	bool known;       /* dev/ino were read when the path was added */
	dev_t dev;
	ino_t ino;
	char path[];
};

/* Never through a replacement: whoever put another file (or a symlink) at the path owns it. */
static void remove_files(const struct ep_unlink *u)
{
	for (; u; u = u->next) {
		struct stat st;
		if (lstat(u->path, &st) < 0)
			continue;
		if (u->known && (st.st_dev != u->dev || st.st_ino != u->ino)) {
			logmsg(LOG_W, "not removing \"%s\": it is no longer the file created here", u->path);
			continue;
		}
		if (unlink(u->path) < 0 && errno != ENOENT)
			logmsg(LOG_W, "unlink(\"%s\"): %s", u->path, strerror(errno));
		else if (log_enabled(LOG_I))
			logmsg(LOG_I, "unlink(\"%s\")", u->path);
	}
}

void endpoint_close(struct endpoint *ep)
{
	if (!ep)
		return;
	if (ep->on_close && !close_shared)
		ep->on_close(ep->on_close_arg);
	if (ep->ops && ep->ops->close) {
		ep->ops->close(ep);
	} else if ((ep->flags & EPF_SOCKET) && !(ep->flags & EPF_DGRAM)) {
		/* a stream socket of ours: no need to ask what it is (4-6 syscalls less a connection) */
		if (ep->rfd >= 0)
			close_stream_socket(ep->rfd, ep->flags & EPF_RD_EOF);
		if (ep->wfd >= 0 && ep->wfd != ep->rfd)
			close(ep->wfd);
	} else if (ep->flags & EPF_RD_EOF) {
		if (ep->rfd >= 0)
			close(ep->rfd);
		if (ep->wfd >= 0 && ep->wfd != ep->rfd)
			close(ep->wfd);
	} else {
		if (ep->rfd >= 0)
			endpoint_close_fd(ep->rfd);
		if (ep->wfd >= 0 && ep->wfd != ep->rfd)
			endpoint_close_fd(ep->wfd);
	}
	ep->rfd = ep->wfd = -1;
	if (ep->child > 0 && !(ep->flags & EPF_END_CLOSE)) {
		if (log_enabled(LOG_I))
			logmsg(LOG_I, "sending SIGTERM to child process %ld", (long)ep->child);
		kill(ep->child, SIGTERM);
	}
	ep->child = 0;
	remove_files(ep->unlink_at_close);
	endpoint_forget_unlinks(ep);
	strv_free(ep->env);
	free(ep->report);
	free(ep);
}

void endpoint_close_shared(struct endpoint *ep)
{
	close_shared = true;
	endpoint_close(ep);
	close_shared = false;
}

void endpoint_setenv(struct endpoint *ep, const char *name, const char *value)
{
	const char *pre = log_env_prefix();
	size_t plen = strlen(pre), nlen = strlen(name);
	/* Replace an existing entry of the same name. */
	char *s = NULL;
	if (asprintf(&s, "%s_%s=%s", pre, name, value ? value : "") < 0)
		return;
	if (ep->env) {
		for (char **p = ep->env; *p; p++) {
			if (!strncmp(*p, s, plen + 1 + nlen + 1)) {
				free(*p);
				*p = s;
				return;
			}
		}
	}
	if (strv_add(&ep->env, s) < 0)
		free(s);
}

void endpoint_add_unlink(struct endpoint *ep, const char *path)
{
	size_t n = strlen(path);
	struct ep_unlink *u = malloc(sizeof *u + n + 1);
	if (!u)
		return;
	memcpy(u->path, path, n + 1);
	struct stat st;
	u->known = lstat(path, &st) == 0;
	u->dev = u->known ? st.st_dev : 0;
	u->ino = u->known ? st.st_ino : 0;
	u->next = ep->unlink_at_close;
	ep->unlink_at_close = u;
}

void endpoint_forget_unlinks(struct endpoint *ep)
{
	while (ep->unlink_at_close) {
		struct ep_unlink *u = ep->unlink_at_close;
		ep->unlink_at_close = u->next;
		free(u);
	}
}

