/* duct ctl: send one command line to a relay's control socket and print its answer. The
 * exit status is 0 for an answer, 1 when the relay answered with an error or could not be
 * reached, 2 for a wrong command line. Every wait is bounded (CTL_TIMEOUT_MS). */
#include "cli/ctl.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"

#define CTL_TIMEOUT_MS 10000
#define CTL_CMD_MAX 4000

static int usage(void)
{
	fprintf(stderr, "usage: duct ctl PATH COMMAND\n"
			"  COMMAND: sessions | stats | close N | reload   (PATH: the relay's --control=PATH)\n");
	return 2;
}

/* The words after PATH joined by spaces, with a newline. Returns the length, -1 if too long
 * or holding a newline. */
static int join_command(int argc, char **argv, char *cmd, size_t cap)
{
	size_t n = 0;
	for (int k = 0; k < argc; k++) {
		size_t w = strlen(argv[k]);
		if (strchr(argv[k], '\n') || n + w + 2 > cap)
			return -1;
		if (k)
			cmd[n++] = ' ';
		memcpy(cmd + n, argv[k], w);
		n += w;
	}
	cmd[n++] = '\n';
	return (int)n;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sun.sun_path) {
		ERR("ctl: the socket path is longer than %zu bytes", sizeof sun.sun_path - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
		ERR("ctl: cannot connect to \"%s\": %s; is a relay running with --control=%s?", path, strerror(errno),
		    path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Copy the answer to stdout until the relay closes; returns 0, or 1 for an error answer or
 * a relay that stops answering. */
static int relay_answer(int fd)
{
	char buf[8192];
	bool first = true, error = false;
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int r = poll(&pfd, 1, CTL_TIMEOUT_MS);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ERR("ctl: no answer within %d s", CTL_TIMEOUT_MS / 1000);
			return 1;
		}
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ERR("ctl: read: %s", strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		if (first)
			error = !strncmp(buf, "{\"error\"", (size_t)n < 8 ? (size_t)n : 8);
		first = false;
		fwrite(buf, 1, (size_t)n, stdout);
	}
	if (first) {
		ERR("ctl: the relay closed the connection without an answer");
		return 1;
	}
	return error ? 1 : 0;
}

int ctl_main(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	char cmd[CTL_CMD_MAX];
	int len = join_command(argc - 2, argv + 2, cmd, sizeof cmd);
	if (len < 0) {
		ERR("ctl: the command must be one line of less than %d bytes (sessions, stats, close N, reload)", CTL_CMD_MAX);
		return 2;
	}
	int fd = connect_to(argv[1]);
	if (fd < 0)
		return 1;
	ssize_t w = send(fd, cmd, (size_t)len, MSG_NOSIGNAL);
	if (w != len) {
		ERR("ctl: send: %s", w < 0 ? strerror(errno) : "short write");
		close(fd);
		return 1;
	}
	shutdown(fd, SHUT_WR);
	int st = relay_answer(fd);
	close(fd);
	fflush(stdout);
	return st;
}
