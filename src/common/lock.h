/* Lock files, UUCP style: a file created atomically (written under a temporary name, then
 * link()ed into place, so it never exists empty) holding the owner's pid in the HDB format
 * ("%10d\n", as cu, minicom and lockdev write and read). -L / -W for the whole run, and the
 * lockfile= / waitlock= address options (src/xio/common.c) use them. */
#ifndef DUCT_LOCK_H
#define DUCT_LOCK_H
#include <stdbool.h>
#include <stddef.h>

/* -L (wait false) / -W (wait true): 0 when held, -1 (logged) when refused or failed. */
int lock_acquire(const char *path, bool wait);
/* Remove the -L/-W lock (this process's only). */
void lock_release(void);

/* One attempt: 0 created (holding our pid), 1 someone else holds it, -1 error (errno). */
int lock_try(const char *path);
/* The pid written in a lock file, -1 when there is none. */
long lock_owner(const char *path);
/* " (held by pid N)", " (held by pid N, which is no longer running: ...)" or "" into buf. */
void lock_describe(const char *path, char *buf, size_t len);
#endif
