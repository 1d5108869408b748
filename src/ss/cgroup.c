/* cgroup v2 id -> path (relative to the cgroup2 mount, "/" for the root), for -e and --cgroup.
 * The id of a cgroup v2 directory is its inode number; the tree is walked once, on first use. */
#include <ftw.h>
#include <stdlib.h>
#include <string.h>

#include "ss/ss_int.h"

struct cg { uint64_t id; char *path; };
static struct cg *cgs;
static size_t ncgs, capcgs;
static bool inited;
static char mnt[4096];
static size_t mntlen;

static bool find_mount(void)
{
	FILE *f = fopen("/proc/mounts", "r");
	char line[8192];
	bool found = false;
	while (f && fgets(line, sizeof line, f)) {
		char dev[1024], dir[4096], type[128];
		if (sscanf(line, "%1023s %4095s %127s", dev, dir, type) == 3 && !strcmp(type, "cgroup2")) {
			snprintf(mnt, sizeof mnt, "%s", dir);
			mntlen = strlen(mnt);
			found = true;
			break;
		}
	}
	if (f)
		fclose(f);
	if (!found)
		fprintf(stderr, "Failed to find cgroup2 mount\n");
	return found;
}

static int visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag != FTW_D)
		return 0;
	if (ncgs == capcgs) {
		capcgs = capcgs ? capcgs * 2 : 64;
		cgs = realloc(cgs, capcgs * sizeof *cgs);
		if (!cgs)
			abort();
	}
	const char *rel = path + mntlen;
	cgs[ncgs].id = st->st_ino;
	cgs[ncgs].path = strdup(*rel ? rel : "/");
	if (!cgs[ncgs].path)
		abort();
	ncgs++;
	return 0;
}

const char *ss_cgroup_path(uint64_t id)
{
	static char buf[64];
	if (!inited) {
		inited = true;
		if (find_mount())
			nftw(mnt, visit, 16, FTW_PHYS | FTW_MOUNT);
	}
	for (size_t i = 0; i < ncgs; i++)
		if (cgs[i].id == id)
			return cgs[i].path;
	if (!mntlen)
		fprintf(stderr, "Failed to find cgroup2 mount\n");
	snprintf(buf, sizeof buf, "unreachable:%llx", (unsigned long long)id);
	return buf;
}
