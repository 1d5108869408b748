#include "run/fdinfo.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

static const char *fd_type(mode_t m)
{
	if (S_ISREG(m)) return "regular file";
	if (S_ISCHR(m)) return "character device";
	if (S_ISBLK(m)) return "block device";
	if (S_ISFIFO(m)) return "pipe";
	if (S_ISSOCK(m)) return "socket";
	if (S_ISDIR(m)) return "directory";
	return "unknown";
}

static void one(int fd)
{
	struct stat st;
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0) {
		fprintf(stderr, "%d: fstat failed\n", fd);
		return;
	}
	char target[256] = "";
	char link[64];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof target - 1);
	target[n > 0 ? n : 0] = 0;
	int fl = fcntl(fd, F_GETFL);
	fprintf(stderr, "%d: %s, ino %lu, flags 0x%x%s, %s\n", fd, fd_type(st.st_mode), (unsigned long)st.st_ino,
		fl, isatty(fd) ? ", tty" : "", target);
	if (S_ISSOCK(st.st_mode)) {
		struct sockaddr_storage sa;
		socklen_t len = sizeof sa;
		char buf[200];
		if (getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
			fprintf(stderr, "   local %s\n", sockaddr_info((struct sockaddr *)&sa, len, buf, sizeof buf));
		len = sizeof sa;
		if (getpeername(fd, (struct sockaddr *)&sa, &len) == 0)
			fprintf(stderr, "   peer  %s\n", sockaddr_info((struct sockaddr *)&sa, len, buf, sizeof buf));
	}
}

void fdinfo_dump(const struct endpoint *a, const struct endpoint *b)
{
	const struct endpoint *eps[2] = { a, b };
	for (int i = 0; i < 2; i++) {
		one(eps[i]->rfd);
		if (eps[i]->wfd != eps[i]->rfd)
			one(eps[i]->wfd);
	}
}
