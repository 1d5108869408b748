/* -D: a table of the fds of both endpoints on stderr before the transfer, in socat's filan
 * layout (header line, then one row per fd: type, device, inode, mode, links, owner, rdev,
 * size, times, close-on-exec, status flags, signal owner, poll state; sockets add their main
 * options and addresses). */
#include "run/fdinfo.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

static const char *fd_type(mode_t m)
{
	if (S_ISREG(m)) return "file";
	if (S_ISCHR(m)) return "chrdev";
	if (S_ISBLK(m)) return "blkdev";
	if (S_ISFIFO(m)) return "pipe";
	if (S_ISSOCK(m)) return "socket";
	if (S_ISDIR(m)) return "dir";
	if (S_ISLNK(m)) return "symlink";
	return "unknown";
}

/* ctime() without its newline */
static const char *when(time_t t, char *buf, size_t len)
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, len, "%a %b %e %H:%M:%S %Y", &tm);
	return buf;
}

static void sock_extra(FILE *o, int fd)
{
	static const struct { const char *name; int opt; } opts[] = {
		{ "REUSEADDR", SO_REUSEADDR }, { "TYPE", SO_TYPE }, { "ERROR", SO_ERROR },
		{ "BROADCAST", SO_BROADCAST }, { "SNDBUF", SO_SNDBUF }, { "RCVBUF", SO_RCVBUF },
		{ "KEEPALIVE", SO_KEEPALIVE }, { "REUSEPORT", SO_REUSEPORT },
	};
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		int v = 0;
		socklen_t l = sizeof v;
		if (getsockopt(fd, SOL_SOCKET, opts[i].opt, &v, &l) == 0)
			fprintf(o, "%s=%d\t", opts[i].name, v);
	}
	struct sockaddr_storage sa;
	socklen_t len = sizeof sa;
	char a[200] = "?", b[200] = "?";
	if (getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		sockaddr_info((struct sockaddr *)&sa, len, a, sizeof a);
	len = sizeof sa;
	if (getpeername(fd, (struct sockaddr *)&sa, &len) == 0)
		sockaddr_info((struct sockaddr *)&sa, len, b, sizeof b);
	fprintf(o, "%s <-> %s\t", a, b);
}

static void row(FILE *o, int fd)
{
	struct stat st;
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0) {
		fprintf(o, "%4d: (closed)\n", fd);
		return;
	}
	char t1[40], t2[40], t3[40];
	int fdfl = fcntl(fd, F_GETFD), fl = fcntl(fd, F_GETFL), own = fcntl(fd, F_GETOWN), sig = fcntl(fd, F_GETSIG);
	fprintf(o, "%4d: %s\t%u,%u\t%lu\t%06o\t%lu\t%u\t%u\t%u,%u\t%lld\t%ld\t%lld\t%s\t%s\t%s\t%d\tx%06x\t%d\t%d", fd,
		fd_type(st.st_mode), major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino,
		(unsigned)st.st_mode, (unsigned long)st.st_nlink, (unsigned)st.st_uid, (unsigned)st.st_gid,
		major(st.st_rdev), minor(st.st_rdev), (long long)st.st_size, (long)st.st_blksize,
		(long long)st.st_blocks, when(st.st_atime, t1, sizeof t1), when(st.st_mtime, t2, sizeof t2),
		when(st.st_ctime, t3, sizeof t3), fdfl & FD_CLOEXEC ? 1 : 0, fl < 0 ? 0 : fl, own, sig);
	if (S_ISSOCK(st.st_mode))
		sock_extra(o, fd);
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
	fputs("poll: ", o);
	if (poll(&p, 1, 0) >= 0) {
		if (p.revents & POLLIN) fputs("IN,", o);
		if (p.revents & POLLOUT) fputs("OUT,", o);
		if (p.revents & POLLHUP) fputs("HUP,", o);
		if (p.revents & POLLERR) fputs("ERR,", o);
	}
	int n;
	if ((p.revents & POLLIN) && ioctl(fd, FIONREAD, &n) == 0)
		fprintf(o, "; FIONREAD=%d", n);
	fputc('\n', o);
}

void fdinfo_dump(const struct endpoint *a, const struct endpoint *b)
{
	FILE *o = stderr;
	fputs("  FD  type\tdevice\tinode\tmode\tlinks\tuid\tgid\trdev\tsize\tblksize\tblocks\tatime\t\t\t\tmtime\t\t\t\tctime\t\t\t\tcloexec\tflags\tsigown\tsigio\n",
	      o);
	const struct endpoint *eps[2] = { a, b };
	for (int i = 0; i < 2; i++) {
		row(o, eps[i]->rfd);
		if (eps[i]->wfd != eps[i]->rfd)
			row(o, eps[i]->wfd);
	}
	fflush(o);
}
