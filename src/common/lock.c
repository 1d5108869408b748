#include "common/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

static char *held;
static pid_t held_by;

long lock_owner(const char *path)
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
	char *end;
	long pid = strtol(buf, &end, 10); /* HDB ("%10d\n") or plain (socat: "%d") */
	return end != buf && pid > 0 ? pid : -1;
}

/* A lock whose pid is gone is stale: socat leaves it; we say so, and still honour it, since
 * removing another tool's lock file silently would be worse. */
void lock_describe(const char *path, char *buf, size_t len)
{
	long pid = lock_owner(path);
	if (pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		snprintf(buf, len, " (held by pid %ld, which is no longer running: remove the file if it is stale)", pid);
	else if (pid > 0)
		snprintf(buf, len, " (held by pid %ld)", pid);
	else if (len)
		buf[0] = 0;
}

int lock_try(const char *path)
{
	/* the temporary file goes next to the lock, so link() stays within one file system */
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path) + 1 : 0;
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%.*s.duct-lock.XXXXXX", dirlen, path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%10ld\n", (long)getpid());
	if (fchmod(fd, 0644) < 0 || write(fd, buf, (size_t)n) != n) {
		int e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	close(fd);
	int r = link(tmp, path);
	int e = errno;
	unlink(tmp);
	if (r == 0)
		return 0;
	errno = e;
	return e == EEXIST ? 1 : -1;
}

int lock_acquire(const char *path, bool wait)
{
	bool waited = false;
	for (;;) {
		int r = lock_try(path);
		if (r == 0) {
			held = strdup(path);
			held_by = getpid();
			INFO("obtained lock \"%s\"", path);
			return 0;
		}
		if (r < 0) {
			ERR("cannot create lock file \"%s\": %s", path, strerror(errno));
			return -1;
		}
		char who[160];
		lock_describe(path, who, sizeof who);
		if (!wait) {
			ERR("lock file \"%s\" exists%s; use -W to wait for it", path, who);
			return -1;
		}
		if (!waited)
			INFO("waiting for lock \"%s\"%s", path, who);
		waited = true;
		sleep(1); /* before the loop: signals still have their default action */
	}
}

void lock_release(void)
{
	if (held && getpid() == held_by) {
		unlink(held);
		free(held);
		held = NULL;
	}
}
