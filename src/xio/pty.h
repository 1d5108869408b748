/* Pseudo terminals, shared by the PTY address and EXEC/SYSTEM/SHELL's pty option. */
#ifndef DUCT_XIO_PTY_H
#define DUCT_XIO_PTY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct endpoint;

/* A new pty pair, both ends close-on-exec and not our controlling terminal: through
 * /dev/ptmx (posix_openpt, grantpt, unlockpt) when use_ptmx, else openpty(). name gets the
 * slave's path. -1 with errno set on failure (nothing left open). */
int xio_pty_open(bool use_ptmx, int *master, int *slave, char *name, size_t namelen);

/* read() for a pty master: EIO (no process has the slave open any more) is the end of data. */
ssize_t xio_pty_read(struct endpoint *ep, void *buf, size_t len);

#endif
