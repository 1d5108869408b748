#include "run/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

static char *held;

/* A lock whose pid is gone is stale: socat leaves it; we say so, and still honour it, since
 * removing another tool's lock file silently would be worse. */
static long lock_owner(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

int lock_acquire(const char *path, bool wait)
{
	for (;;) {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0) {
			char buf[32];
			int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
			if (write(fd, buf, (size_t)n) != n)
				WARN("writing pid to lock file \"%s\": %s", path, strerror(errno));
			close(fd);
			held = strdup(path);
			INFO("obtained lock \"%s\"", path);
			return 0;
		}
		if (errno != EEXIST) {
			ERR("cannot create lock file \"%s\": %s", path, strerror(errno));
			return -1;
		}
		if (!wait) {
			long pid = lock_owner(path);
			if (pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
				ERR("lock file \"%s\" exists (held by pid %ld, which is no longer running: remove the file if that's stale)",
				    path, pid);
			else if (pid > 0)
				ERR("lock file \"%s\" is held by pid %ld; use -W to wait for it", path, pid);
			else
				ERR("lock file \"%s\" exists; use -W to wait for it", path);
			return -1;
		}
		INFO("waiting for lock \"%s\"", path);
		sleep(1);
	}
}

void lock_release(void)
{
	if (held) {
		unlink(held);
		free(held);
		held = NULL;
	}
}
