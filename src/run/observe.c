/* Session numbering, counters and the session log (observe.h). The log is written with one
 * write(2) per line on an O_APPEND file, so the lines of a listener and of its per-connection
 * processes never mix. */
#include "run/observe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "loop/loop.h"
#include "relay/session.h"
#include "relay/session_info.h"
#include "run/session_json.h"

static int log_fd = -1;
static unsigned long long last_id, child_id;
static struct observe_totals totals;

int observe_log_open(const char *path)
{
	if (!strcmp(path, "-")) {
		log_fd = 2;
		return 0;
	}
	log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		ERR("option --session-log: cannot open \"%s\": %s; give a file duct may write, or - for stderr", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static void log_line(struct jbuf *b)
{
	if (log_fd < 0 || b->failed)
		return;
	jb_add(b, "\n");
	size_t off = 0;
	while (off < b->len) {
		ssize_t n = write(log_fd, b->p + off, b->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			WARN("session log: write: %s", n < 0 ? strerror(errno) : "nothing written");
			return;
		}
		off += (size_t)n;
	}
}

static void closed(struct session *s, void *arg)
{
	(void)arg;
	const struct session_info *si = session_info(s);
	unsigned long long n[2];
	session_bytes(s, n);
	totals.bytes[0] += n[0];
	totals.bytes[1] += n[1];
	if (log_fd < 0)
		return;
	struct jbuf b = { 0 };
	struct timeval now;
	gettimeofday(&now, NULL);
	jb_add(&b, "{\"event\":\"close\",\"session\":%llu,\"time\":", si->id);
	jb_time(&b, &now);
	jb_add(&b, ",\"left_to_right\":%llu,\"right_to_left\":%llu,\"duration_s\":%.6f,\"reason\":", n[0], n[1],
	       loop_now() - si->opened_mono);
	jb_str(&b, si->reason);
	if (si->error[0]) {
		jb_add(&b, ",\"error\":");
		jb_str(&b, si->error);
	}
	if (si->peer_subject[0]) {
		jb_add(&b, ",\"tls_subject\":");
		jb_str(&b, si->peer_subject);
	}
	jb_add(&b, "}");
	log_line(&b);
	jb_free(&b);
}

void observe_start(void)
{
	session_watch_close(closed, NULL);
}

unsigned long long observe_reserve_id(void)
{
	return ++last_id;
}

void observe_child_takes(unsigned long long id)
{
	child_id = id;
}

/* "HOST:PORT", "[V6]:PORT", a socket path ("@name" for an abstract one); "" otherwise */
static void sa_text(const struct sockaddr_storage *ss, socklen_t len, char *out, size_t outlen)
{
	char h[INET6_ADDRSTRLEN];
	out[0] = 0;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &a->sin_addr, h, sizeof h);
		snprintf(out, outlen, "%s:%u", h, ntohs(a->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &a->sin6_addr, h, sizeof h);
		snprintf(out, outlen, "[%s]:%u", h, ntohs(a->sin6_port));
	} else if (ss->ss_family == AF_UNIX && len > offsetof(struct sockaddr_un, sun_path)) {
		const struct sockaddr_un *a = (const struct sockaddr_un *)ss;
		size_t n = len - offsetof(struct sockaddr_un, sun_path);
		if (a->sun_path[0])
			snprintf(out, outlen, "%.*s", (int)strnlen(a->sun_path, n), a->sun_path);
		else if (n > 1)
			snprintf(out, outlen, "@%.*s", (int)(n - 1), a->sun_path + 1);
	}
}

/* The side that has a peer (the accepted or connected socket), address 1 first. A UNIX
 * client has no name of its own: its peer is the socket's path. */
static void name_peer(struct session_info *si, const struct endpoint *const ep[2])
{
	for (int i = 0; i < 2; i++) {
		int fd = ep[i]->rfd >= 0 ? ep[i]->rfd : ep[i]->wfd;
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		if (fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
			continue;
		sa_text(&ss, len, si->peer, sizeof si->peer);
		len = sizeof ss;
		if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
			sa_text(&ss, len, si->local, sizeof si->local);
		if (!si->peer[0])
			snprintf(si->peer, sizeof si->peer, "%s", si->local);
		return;
	}
}

void observe_started(struct session *s, const struct endpoint *ep1, const struct endpoint *ep2)
{
	struct session_info *si = session_info(s);
	const struct endpoint *const ep[2] = { ep1, ep2 };
	si->id = child_id ? child_id : ++last_id;
	child_id = 0;
	totals.accepted++;
	if (!session_info_kept())
		return; /* nobody watches: no names to look up, no log */
	name_peer(si, ep);
	session_info_take_subject(si, ep);
	if (log_fd < 0)
		return;
	struct jbuf b = { 0 };
	jb_add(&b, "{\"event\":\"open\",");
	session_json_open_fields(&b, s);
	jb_add(&b, "}");
	log_line(&b);
	jb_free(&b);
}

void observe_refused(void)
{
	totals.refused++;
}

void observe_log_table(void)
{
	if (log_fd < 0)
		return;
	struct jbuf b = { 0 };
	struct timeval now;
	gettimeofday(&now, NULL);
	jb_add(&b, "{\"event\":\"sessions\",\"time\":");
	jb_time(&b, &now);
	jb_add(&b, ",\"sessions\":");
	session_json_table(&b);
	jb_add(&b, "}");
	log_line(&b);
	jb_free(&b);
}

static void add_live(struct session *s, void *arg)
{
	struct observe_totals *t = arg;
	unsigned long long n[2];
	session_bytes(s, n);
	t->bytes[0] += n[0];
	t->bytes[1] += n[1];
}

void observe_totals(struct observe_totals *t)
{
	*t = totals;
	t->active = session_count();
	session_foreach(add_live, t);
}
