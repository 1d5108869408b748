/* Helpers shared by the core families (stdio.c, file.c, pipe.c, socketpair.c, exec.c) and
 * xio.c; internal to src/xio. */
#ifndef DUCT_XIO_CORE_H
#define DUCT_XIO_CORE_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>

#include "xio/xio.h"

/* socat's names for file types in notices: "regular file", "character device", "named pipe",
 * ... and "undef" for a missing entry (st == NULL). */
const char *xio_ftype_name(const struct stat *st);
/* "for reading", "for writing", "for reading and writing" */
const char *xio_dir_text(unsigned dir);
/* open(2) flags rendered as "O_WRONLY|O_CREAT|O_APPEND" (for error messages). */
const char *xio_oflags_text(int flags, char *buf, size_t len);

/* lockfile= / waitlock= of one address (taken from op->opts; removed when the open is
 * stopped, xio_release_locks, or at exit). */
int xio_take_locks(struct xio_open *op);
/* Remove the locks op took in this process. */
void xio_release_locks(const struct xio_open *op);

/* An apply context for fd (path: the filesystem entry for NAMED options, or NULL). */
void xio_ctx_init(struct opt_apply_ctx *ctx, struct xio_open *op, int fd, const char *path, struct termios *tio);
/* Run the generic appliers of phases [from, to] on ctx, in order. */
int xio_apply_phases(struct xio_open *op, enum opt_phase from, enum opt_phase to, struct opt_apply_ctx *ctx);
/* PH_FD for fd plus the termios commit. */
int xio_apply_fd_phase(struct xio_open *op, struct opt_apply_ctx *ctx);

/* A new endpoint for the fds per op->dir (rfd used when reading, wfd when writing; unused
 * ones are closed unless they are 0, 1, 2 or equal to the used one), flags from the
 * directions and xio_classify_fds, desc copied. NULL on allocation failure (logged; fds
 * closed as above). */
struct endpoint *xio_make_endpoint(struct xio_open *op, int rfd, int wfd, const char *desc);

/* Export <what>ADDR and <what>PORT (what = "PEER" or "SOCK") onto ep's environment, for the
 * programs a session starts (IP, UNIX and VSOCK addresses; others export nothing). Here, with
 * the families that own endpoints, not in sockaddr.c, which only knows addresses. */
void xio_export_addr_env(struct endpoint *ep, const char *what, const struct sockaddr *sa, socklen_t len);

/* Log with errno text and the address name, return -1 (open fails). */
int xio_fail_errno(struct xio_open *op, const char *what);

#endif
