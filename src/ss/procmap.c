/* -p / -T: one walk over /proc/PID/fd (and /proc/PID/task/TID/fd for -T) building a hash
 * inode -> list of (comm, pid, tid, fd). Entries for one inode are kept newest first, the order
 * ss prints them in. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ss/ss_int.h"

struct ent {
	struct ss_user u;
	int next;
};

static struct ent *ents;
static size_t nents, capents;
static int *buckets;
static size_t nbuckets;
static int unreadable;
static char **comms;
static size_t ncomms, capcomms;

static size_t hash(uint32_t ino)
{
	return (ino * 2654435761u) & (nbuckets - 1);
}

static void grow(void)
{
	size_t nb = nbuckets ? nbuckets * 2 : 1024;
	int *b = malloc(nb * sizeof *b);
	if (!b)
		abort();
	for (size_t i = 0; i < nb; i++)
		b[i] = -1;
	free(buckets);
	buckets = b;
	nbuckets = nb;
	/* rebuild chains keeping relative order (insert in increasing index => newest first) */
	for (size_t i = 0; i < nents; i++) {
		size_t h = hash(ents[i].u.ino);
		ents[i].next = buckets[h];
		buckets[h] = (int)i;
	}
}

static void add(uint32_t ino, const char *comm, int pid, int tid, int fd)
{
	if (nents == capents) {
		capents = capents ? capents * 2 : 1024;
		ents = realloc(ents, capents * sizeof *ents);
		if (!ents)
			abort();
	}
	if (nents + 1 > nbuckets)
		grow();
	struct ent *e = &ents[nents];
	e->u = (struct ss_user){ .ino = ino, .pid = pid, .fd = fd, .tid = tid, .comm = comm };
	size_t h = hash(ino);
	e->next = buckets[h];
	buckets[h] = (int)nents;
	nents++;
}

static const char *read_comm(int dirfd, const char *statpath)
{
	char buf[512];
	int fd = openat(dirfd, statpath, O_RDONLY | O_CLOEXEC);
	const char *res = "";
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n > 0) {
			buf[n] = 0;
			/* like fscanf("%*d (%[^)])"): up to the first ')' */
			char *o = strchr(buf, '(');
			if (o) {
				char *c = strchr(o + 1, ')');
				size_t len = c ? (size_t)(c - o - 1) : strlen(o + 1);
				char *s = malloc(len + 1);
				if (!s)
					abort();
				memcpy(s, o + 1, len);
				s[len] = 0;
				if (ncomms == capcomms) {
					capcomms = capcomms ? capcomms * 2 : 256;
					comms = realloc(comms, capcomms * sizeof *comms);
					if (!comms)
						abort();
				}
				comms[ncomms++] = s;
				res = s;
			}
		}
	}
	return res;
}

static void scan_fds(int fddir, int statdir, const char *statname, int pid, int tid)
{
	DIR *d = fdopendir(fddir);
	if (!d) {
		close(fddir);
		return;
	}
	const char *comm = NULL;
	struct dirent *de;
	char lnk[64];
	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		ssize_t n = readlinkat(dirfd(d), de->d_name, lnk, sizeof lnk - 1);
		if (n < 9)
			continue;
		lnk[n] = 0;
		if (memcmp(lnk, "socket:[", 8))
			continue;
		uint32_t ino = (uint32_t)strtoul(lnk + 8, NULL, 10);
		if (!comm)
			comm = read_comm(statdir, statname);
		add(ino, comm, pid, tid, atoi(de->d_name));
	}
	closedir(d);
}

void ss_procmap_build(bool threads)
{
	const char *root = getenv("PROC_ROOT");
	if (!root)
		root = "/proc";
	DIR *proc = opendir(root);
	if (!proc)
		return;
	if (!nbuckets)
		grow();
	struct dirent *de;
	while ((de = readdir(proc))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (!de->d_name[0] || *end || pid <= 0)
			continue;
		int pdir = openat(dirfd(proc), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pdir < 0)
			continue;
		if (!threads) {
			int fdd = openat(pdir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fdd < 0) {
				if (errno == EACCES || errno == EPERM)
					unreadable++;
			} else {
				scan_fds(fdd, pdir, "stat", (int)pid, 0);
			}
		} else {
			int tdir = openat(pdir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			DIR *td = tdir >= 0 ? fdopendir(tdir) : NULL;
			struct dirent *te;
			while (td && (te = readdir(td))) {
				long tid = strtol(te->d_name, &end, 10);
				if (!te->d_name[0] || *end || tid <= 0)
					continue;
				int tfd = openat(dirfd(td), te->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
				if (tfd < 0)
					continue;
				int fdd = openat(tfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
				if (fdd < 0) {
					if (errno == EACCES || errno == EPERM)
						unreadable++;
				} else {
					scan_fds(fdd, tfd, "stat", (int)pid, (int)tid);
				}
				close(tfd);
			}
			if (td)
				closedir(td);
			else if (tdir >= 0)
				close(tdir);
		}
		close(pdir);
	}
	closedir(proc);
}

int ss_procmap_unreadable(void)
{
	return unreadable;
}

int ss_procmap_format(uint32_t ino, char *buf, size_t len)
{
	size_t off = 0;
	int n = 0;
	if (!nbuckets || len == 0)
		return 0;
	buf[0] = 0;
	for (int i = buckets[hash(ino)]; i >= 0; i = ents[i].next) {
		const struct ss_user *u = &ents[i].u;
		if (u->ino != ino)
			continue;
		int w;
		if (u->tid)
			w = snprintf(buf + off, len - off, "%s(\"%s\",pid=%d,tid=%d,fd=%d)", n ? "," : "",
			             u->comm, u->pid, u->tid, u->fd);
		else
			w = snprintf(buf + off, len - off, "%s(\"%s\",pid=%d,fd=%d)", n ? "," : "", u->comm,
			             u->pid, u->fd);
		if (w < 0 || (size_t)w >= len - off) {
			buf[off] = 0;
			break;
		}
		off += (size_t)w;
		n++;
	}
	return n;
}

int ss_procmap_lookup(uint32_t ino, const struct ss_user **first, int *n)
{
	/* JSON printer walks entries itself via this iterator-ish call: returns the head index. */
	(void)first;
	*n = 0;
	if (!nbuckets)
		return -1;
	for (int i = buckets[hash(ino)]; i >= 0; i = ents[i].next)
		if (ents[i].u.ino == ino)
			(*n)++;
	return buckets[hash(ino)];
}

/* Iterate entries for ino starting from a chain index; returns next chain index or -1. */
int ss_procmap_next(int idx, uint32_t ino, const struct ss_user **u)
{
	for (int i = idx; i >= 0; i = ents[i].next) {
		if (ents[i].u.ino == ino) {
			*u = &ents[i].u;
			return ents[i].next;
		}
	}
	*u = NULL;
	return -1;
}
