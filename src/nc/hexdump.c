/* nc's session dumps (formats observed from nc.traditional 1.10 and ncat 7.93). */
#include "nc/hexdump.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char hexd[] = "0123456789abcdef";

size_t nc_hexdump_bound(size_t len)
{
	return (len / 16 + 1) * 80 + 16;
}

size_t nc_hexdump_trad(char *out, const unsigned char *data, size_t len, bool sent, unsigned long *offset)
{
	char *o = out;
	for (size_t i = 0; i < len; i += 16) {
		size_t n = len - i < 16 ? len - i : 16;
		o += sprintf(o, "%c %08lx ", sent ? '>' : '<', *offset & 0xffffffffUL);
		for (size_t k = 0; k < 16; k++) {
			if (k < n) {
				*o++ = hexd[data[i + k] >> 4];
				*o++ = hexd[data[i + k] & 15];
				*o++ = ' ';
			} else {
				memcpy(o, "   ", 3);
				o += 3;
			}
		}
		*o++ = '#';
		*o++ = ' ';
		for (size_t k = 0; k < n; k++) {
			unsigned char c = data[i + k];
			*o++ = c >= 0x20 && c <= 0x7e ? (char)c : '.';
		}
		*o++ = '\n';
		*offset += n;
	}
	return (size_t)(o - out);
}

size_t nc_hexdump_ncat(char *out, const unsigned char *data, size_t len)
{
	char *o = out;
	for (size_t i = 0; i < len; i += 16) {
		size_t n = len - i < 16 ? len - i : 16;
		o += sprintf(o, "%04lx   ", (unsigned long)(i & 0xffff));
		for (size_t k = 0; k < 16; k++) {
			if (k == 8)
				*o++ = ' ';
			if (k < n) {
				*o++ = hexd[data[i + k] >> 4];
				*o++ = hexd[data[i + k] & 15];
				*o++ = ' ';
			} else {
				memcpy(o, "   ", 3);
				o += 3;
			}
		}
		*o++ = ' ';
		for (size_t k = 0; k < 16; k++) {
			if (k < n) {
				unsigned char c = data[i + k];
				*o++ = c > 0x20 && c <= 0x7e ? (char)c : '.';
			} else {
				*o++ = ' ';
			}
		}
		*o++ = '\n';
	}
	return (size_t)(o - out);
}

struct nc_dumper {
	pthread_t th;
	int out_fd;
	int rd[2];                 /* read ends: [0] sent, [1] received */
	enum nc_dump_kind kind;
	unsigned long off[2];
};

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void *dumper_main(void *arg)
{
	struct nc_dumper *d = arg;
	unsigned char buf[8192];
	char *text = malloc(nc_hexdump_bound(sizeof buf));
	if (!text)
		return NULL;
	int open_n = 2;
	while (open_n > 0) {
		struct pollfd pf[2] = { { .fd = d->rd[0], .events = POLLIN }, { .fd = d->rd[1], .events = POLLIN } };
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int k = 0; k < 2; k++) {
			if (d->rd[k] < 0 || !(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t r = read(d->rd[k], buf, sizeof buf);
			if (r <= 0) {
				if (r < 0 && errno == EINTR)
					continue;
				close(d->rd[k]);
				d->rd[k] = -1;
				pf[k].fd = -1;
				open_n--;
				continue;
			}
			size_t tl;
			switch (d->kind) {
			case NC_DUMP_TRAD: tl = nc_hexdump_trad(text, buf, (size_t)r, k == 0, &d->off[k]); break;
			case NC_DUMP_NCAT_HEX: tl = nc_hexdump_ncat(text, buf, (size_t)r); break;
			default: memcpy(text, buf, (size_t)r); tl = (size_t)r; break;
			}
			write_all(d->out_fd, text, tl);
		}
	}
	free(text);
	return NULL;
}

struct nc_dumper *nc_dumper_start(int out_fd, enum nc_dump_kind kind, int *sent_fd, int *recv_fd)
{
	struct nc_dumper *d = calloc(1, sizeof *d);
	int p0[2], p1[2];
	if (!d)
		return NULL;
	if (pipe2(p0, O_CLOEXEC) < 0) {
		free(d);
		return NULL;
	}
	if (pipe2(p1, O_CLOEXEC) < 0) {
		close(p0[0]);
		close(p0[1]);
		free(d);
		return NULL;
	}
	d->out_fd = out_fd;
	d->kind = kind;
	d->rd[0] = p0[0];
	d->rd[1] = p1[0];
	/* The thread must never take the process's signals (the loop reads them from a signalfd). */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(&d->th, NULL, dumper_main, d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		close(p0[0]);
		close(p0[1]);
		close(p1[0]);
		close(p1[1]);
		free(d);
		errno = rc;
		return NULL;
	}
	*sent_fd = p0[1];
	*recv_fd = p1[1];
	return d;
}

void nc_dumper_finish(struct nc_dumper *d)
{
	if (!d)
		return;
	pthread_join(d->th, NULL);
	close(d->out_fd);
	free(d);
}
