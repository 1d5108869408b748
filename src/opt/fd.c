/* Option table: fd family. One row per option; see opt.h for the row fields.
 * Groups, value types and phases follow socat 1.8 (real phases, not the -hhh column). */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opt/opt_int.h"

#define LOCK_EX_NB (LOCK_EX | LOCK_NB)
#define LOCK_SH_NB (LOCK_SH | LOCK_NB)

static int fn_fcntl_lock(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	struct flock fl = { .l_type = (short)v->def->a2, .l_whence = SEEK_SET };

	if (!v->i)
		return 0;
	if (!opt_need_fd(v, ctx))
		return -1;
	if (fcntl(ctx->fd, v->def->a1, &fl) < 0)
		return opt_fail(v, ctx, errno, v->def->a1 == F_SETLK ? "fcntl(F_SETLK)" : "fcntl(F_SETLKW)");
	return 0;
}

static int fn_flock(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	if (!v->i)
		return 0;
	if (!opt_need_fd(v, ctx))
		return -1;
	if (flock(ctx->fd, v->def->a1) < 0)
		return opt_fail(v, ctx, errno, "flock()");
	return 0;
}

static int fn_pipesz(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	if (!opt_need_fd(v, ctx))
		return -1;
	if (fcntl(ctx->fd, F_SETPIPE_SZ, (int)v->i) < 0)
		return opt_fail(v, ctx, errno, "fcntl(F_SETPIPE_SZ)");
	return 0;
}

/* a1: 0 user, 1 group. a2: 0 path if the address has one else fd, 1 fd, 2 path. */
int opt_fn_owner(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	uid_t u = v->def->a1 == 0 ? (uid_t)v->i : (uid_t)-1;
	gid_t g = v->def->a1 == 1 ? (gid_t)v->i : (gid_t)-1;
	bool on_path = v->def->a2 == 2 || (v->def->a2 == 0 && ctx->path);

	if (on_path) {
		if (!ctx->path)
			return opt_fail(v, ctx, 0, "address has no filesystem entry");
		if (chown(ctx->path, u, g) < 0)
			return opt_fail(v, ctx, errno, "chown()");
		return 0;
	}
	if (!opt_need_fd(v, ctx))
		return -1;
	if (fchown(ctx->fd, u, g) < 0)
		return opt_fail(v, ctx, errno, "fchown()");
	return 0;
}

int opt_fn_perm(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	bool on_path = v->def->a2 == 2 || (v->def->a2 == 0 && ctx->path);

	if (on_path) {
		if (!ctx->path)
			return opt_fail(v, ctx, 0, "address has no filesystem entry");
		if (chmod(ctx->path, (mode_t)v->i) < 0)
			return opt_fail(v, ctx, errno, "chmod()");
		return 0;
	}
	if (!opt_need_fd(v, ctx))
		return -1;
	if (fchmod(ctx->fd, (mode_t)v->i) < 0)
		return opt_fail(v, ctx, errno, "fchmod()");
	return 0;
}

/* clang-format off */
static const char *const al_cool_write[] = { "coolwrite", NULL };
static const char *const al_end_close[] = { "close", NULL };
static const char *const al_f_setlk_rd[] = { "setlk-rd", NULL };
static const char *const al_f_setlk_wr[] = { "f-setlk", "setlk", "setlk-wr", NULL };
static const char *const al_f_setlkw_rd[] = { "setlkw-rd", NULL };
static const char *const al_f_setlkw_wr[] = { "f-setlkw", "lock", "lockw", "setlkw", "setlkw-wr", NULL };
static const char *const al_f_setpipe_sz[] = { "pipesz", NULL };
static const char *const al_flock_ex[] = { "flock", NULL };
static const char *const al_flock_ex_nb[] = { "flock-nb", NULL };
static const char *const al_group[] = { "gid", NULL };
static const char *const al_group_late[] = { "gid-l", NULL };
static const char *const al_ioctl_void[] = { "ioctl", NULL };
static const char *const al_perm[] = { "mode", NULL };
static const char *const al_user[] = { "owner", "uid", NULL };
static const char *const al_user_late[] = { "uid-l", NULL };

const struct opt_def opt_rows_fd[] = {
	{ .name = "cloexec", .aliases = NULL, .type = OT_BOOL, .groups = G(FD),
	  .phase = PH_LATE, .how = OH_FCNTL_FD, .a1 = FD_CLOEXEC, .a2 = 0, .a3 = 0, .id = OPT_CLOEXEC,
	  .help = "set (1) or clear (0) FD_CLOEXEC on the descriptor" },
	{ .name = "cool-write", .aliases = al_cool_write, .type = OT_BOOL, .groups = G(FD),
	  .phase = PH_INIT, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_COOL_WRITE,
	  .help = "log EPIPE/ECONNRESET on write as a notice instead of an error" },
	{ .name = "end-close", .aliases = al_end_close, .type = OT_CONST, .groups = G(FD),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_END_CLOSE,
	  .help = "end the channel with close() only: no shutdown(), no killing of a child" },
	{ .name = "f-setlk-rd", .aliases = al_f_setlk_rd, .type = OT_BOOL, .groups = G(FD),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = F_SETLK, .a2 = F_RDLCK, .a3 = 0, .id = OPT_NONE, .apply = fn_fcntl_lock,
	  .help = "fcntl F_SETLK read lock on the whole file; fail if locked" },
	{ .name = "f-setlk-wr", .aliases = al_f_setlk_wr, .type = OT_BOOL, .groups = G(FD),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = F_SETLK, .a2 = F_WRLCK, .a3 = 0, .id = OPT_NONE, .apply = fn_fcntl_lock,
	  .help = "fcntl F_SETLK write lock on the whole file; fail if locked" },
	{ .name = "f-setlkw-rd", .aliases = al_f_setlkw_rd, .type = OT_BOOL, .groups = G(FD),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = F_SETLKW, .a2 = F_RDLCK, .a3 = 0, .id = OPT_NONE, .apply = fn_fcntl_lock,
	  .help = "fcntl F_SETLKW read lock on the whole file; wait for it" },
	{ .name = "f-setlkw-wr", .aliases = al_f_setlkw_wr, .type = OT_BOOL, .groups = G(FD),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = F_SETLKW, .a2 = F_WRLCK, .a3 = 0, .id = OPT_NONE, .apply = fn_fcntl_lock,
	  .help = "fcntl F_SETLKW write lock on the whole file; wait for it" },
	{ .name = "f-setpipe-sz", .aliases = al_f_setpipe_sz, .type = OT_INT, .groups = G(FD),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_F_SETPIPE_SZ, .apply = fn_pipesz,
	  .help = "fcntl F_SETPIPE_SZ: pipe capacity in bytes" },
	{ .name = "flock-ex", .aliases = al_flock_ex, .type = OT_BOOL, .groups = G(FD),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = LOCK_EX, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_flock,
	  .help = "flock() exclusive lock, waiting for it" },
	{ .name = "flock-ex-nb", .aliases = al_flock_ex_nb, .type = OT_BOOL, .groups = G(FD),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = LOCK_EX_NB, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_flock,
	  .help = "flock() exclusive lock, fail if locked" },
	{ .name = "flock-sh", .aliases = NULL, .type = OT_BOOL, .groups = G(FD),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = LOCK_SH, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_flock,
	  .help = "flock() shared lock, waiting for it" },
	{ .name = "flock-sh-nb", .aliases = NULL, .type = OT_BOOL, .groups = G(FD),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = LOCK_SH_NB, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_flock,
	  .help = "flock() shared lock, fail if locked" },
	{ .name = "group", .aliases = al_group, .type = OT_GID, .groups = G(FD) | G(NAMED),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = 1, .a2 = 0, .a3 = 0, .id = OPT_GROUP, .apply = opt_fn_owner,
	  .help = "group of the entry (chown on the path) or of the descriptor (fchown)" },
	{ .name = "group-late", .aliases = al_group_late, .type = OT_GID, .groups = G(FD),
	  .phase = PH_LATE, .how = OH_FUNC, .a1 = 1, .a2 = 1, .a3 = 0, .id = OPT_GROUP_LATE, .apply = opt_fn_owner,
	  .help = "fchown() the group once the address is open" },
	{ .name = "ioctl-bin", .aliases = NULL, .type = OT_INT_BIN, .groups = G(FD),
	  .phase = PH_FD, .how = OH_IOCTL, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NONE, .multi = true,
	  .help = "ioctl(fd, request, pointer to dalan data)" },
	{ .name = "ioctl-int", .aliases = NULL, .type = OT_INT_INT, .groups = G(FD),
	  .phase = PH_FD, .how = OH_IOCTL, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NONE, .multi = true,
	  .help = "ioctl(fd, request, int value)" },
	{ .name = "ioctl-intp", .aliases = NULL, .type = OT_INT_INTP, .groups = G(FD),
	  .phase = PH_FD, .how = OH_IOCTL, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NONE, .multi = true,
	  .help = "ioctl(fd, request, pointer to int value)" },
	{ .name = "ioctl-string", .aliases = NULL, .type = OT_INT_STRING, .groups = G(FD),
	  .phase = PH_FD, .how = OH_IOCTL, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NONE, .multi = true,
	  .help = "ioctl(fd, request, pointer to string)" },
	{ .name = "ioctl-void", .aliases = al_ioctl_void, .type = OT_INT, .groups = G(FD),
	  .phase = PH_FD, .how = OH_IOCTL, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NONE, .multi = true,
	  .help = "ioctl(fd, request, NULL)" },
	{ .name = "perm", .aliases = al_perm, .type = OT_MODE, .groups = G(FD) | G(NAMED),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_PERM, .apply = opt_fn_perm,
	  .help = "permission bits: given to open()/creat(), else chmod()/fchmod()" },
	{ .name = "perm-late", .aliases = NULL, .type = OT_MODE, .groups = G(FD),
	  .phase = PH_LATE, .how = OH_FUNC, .a1 = 0, .a2 = 1, .a3 = 0, .id = OPT_PERM_LATE, .apply = opt_fn_perm,
	  .help = "fchmod() the descriptor once the address is open" },
	{ .name = "shut-close", .aliases = NULL, .type = OT_CONST, .groups = G(FD),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SHUT_CLOSE,
	  .help = "on EOF from the peer, close this side" },
	{ .name = "shut-down", .aliases = NULL, .type = OT_CONST, .groups = G(FD),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SHUT_DOWN,
	  .help = "on EOF from the peer, shutdown(SHUT_WR) this side" },
	{ .name = "shut-none", .aliases = NULL, .type = OT_CONST, .groups = G(FD),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SHUT_NONE,
	  .help = "on EOF from the peer, do nothing to this side" },
	{ .name = "shut-null", .aliases = NULL, .type = OT_CONST, .groups = G(FD),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_SHUT_NULL,
	  .help = "on EOF from the peer, send an empty datagram" },
	{ .name = "user", .aliases = al_user, .type = OT_UID, .groups = G(FD) | G(NAMED),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_USER, .apply = opt_fn_owner,
	  .help = "owner of the entry (chown on the path) or of the descriptor (fchown)" },
	{ .name = "user-late", .aliases = al_user_late, .type = OT_UID, .groups = G(FD),
	  .phase = PH_LATE, .how = OH_FUNC, .a1 = 0, .a2 = 1, .a3 = 0, .id = OPT_USER_LATE, .apply = opt_fn_owner,
	  .help = "fchown() the descriptor once the address is open" },
	{ .name = NULL }
};
