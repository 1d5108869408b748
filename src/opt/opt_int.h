/* Internal to src/opt: the family tables and helpers shared by the OH_FUNC appliers. */
#ifndef DUCT_OPT_INT_H
#define DUCT_OPT_INT_H

#include <termios.h>

#include "opt/opt.h"

extern const struct opt_def opt_rows_fd[], opt_rows_file[], opt_rows_socket[], opt_rows_ip[],
	opt_rows_tcp[], opt_rows_udp_unix[], opt_rows_termios[], opt_rows_process[], opt_rows_appl[],
	opt_rows_exec[], opt_rows_listen[], opt_rows_pty_readline[], opt_rows_tls[], opt_rows_proxy[],
	opt_rows_interface[], opt_rows_posixmq[], opt_rows_ws[];

/* Log 'address "A": option "O": what: strerror(err)' (err 0: no errno text); returns -1. */
int opt_fail(const struct opt_value *v, const struct opt_apply_ctx *ctx, int err, const char *what);
/* The termios being built for ctx (read with tcgetattr on first use, marked dirty);
 * NULL with an error logged when the address has no terminal. */
struct termios *opt_termios_get(const struct opt_value *v, struct opt_apply_ctx *ctx);
/* Need an fd for this option; logs and returns false if there is none yet. */
bool opt_need_fd(const struct opt_value *v, const struct opt_apply_ctx *ctx);

/* Row functions shared between families (fd.c): a1 0 user / 1 group; a2 0 path if known else
 * fd, 1 fd, 2 path. */
int opt_fn_owner(const struct opt_value *v, struct opt_apply_ctx *ctx);
int opt_fn_perm(const struct opt_value *v, struct opt_apply_ctx *ctx);

/* The option parsers' messages (msg.c): src copied into dst for a message (control and
 * non-ASCII bytes as \xHH, '"' escaped, cut with "..."); opt_errf formats one line into err
 * and returns -1. */
const char *opt_safe_text(char *dst, size_t n, const char *src);
int opt_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Free what a parsed value owns (its string and binary data), leaving the value empty. */
void opt_value_clear(struct opt_value *v);

#endif
