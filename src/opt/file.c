/* Option table: file family. One row per option; see opt.h for the row fields.
 * Groups, value types and phases follow socat 1.8 (real phases, not the -hhh column). */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "opt/opt_int.h"

#ifndef O_RSYNC
#define O_RSYNC O_SYNC
#endif

static int fn_unlink(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	if (!v->i)
		return 0;
	if (!ctx->path)
		return opt_fail(v, ctx, 0, "address has no filesystem entry");
	if (unlink(ctx->path) < 0 && errno != ENOENT)
		return opt_fail(v, ctx, errno, "unlink()");
	return 0;
}

static int fn_trunc(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	if (!v->i)
		return 0;
	if (!opt_need_fd(v, ctx))
		return -1;
	if (ftruncate(ctx->fd, 0) < 0)
		return opt_fail(v, ctx, errno, "ftruncate()");
	return 0;
}

static int fn_lseek(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	if (!opt_need_fd(v, ctx))
		return -1;
	if (lseek(ctx->fd, (off_t)v->i, v->def->a1) == (off_t)-1)
		return opt_fail(v, ctx, errno, "lseek()");
	return 0;
}

static int fn_ftruncate(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	if (!opt_need_fd(v, ctx))
		return -1;
	if (ftruncate(ctx->fd, (off_t)v->i) < 0)
		return opt_fail(v, ctx, errno, "ftruncate()");
	return 0;
}

static int fn_fsflag(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	int flags = 0;

	if (!opt_need_fd(v, ctx))
		return -1;
	if (ioctl(ctx->fd, FS_IOC_GETFLAGS, &flags) < 0)
		return opt_fail(v, ctx, errno, "ioctl(FS_IOC_GETFLAGS)");
	if (v->i)
		flags |= v->def->a1;
	else
		flags &= ~v->def->a1;
	if (ioctl(ctx->fd, FS_IOC_SETFLAGS, &flags) < 0)
		return opt_fail(v, ctx, errno, "ioctl(FS_IOC_SETFLAGS)");
	return 0;
}

/* clang-format off */
static const char *const al_append[] = { "o-append", NULL };
static const char *const al_async[] = { "o-async", NULL };
static const char *const al_fs_append[] = { "ext2-append", "ext3-append", NULL };
static const char *const al_fs_compr[] = { "compr", "ext2-compr", "ext3-compr", NULL };
static const char *const al_fs_dirsync[] = { "dirsync", "ext2-dirsync", "ext3-dirsync", NULL };
static const char *const al_fs_immutable[] = { "ext2-immutable", "ext3-immutable", "immutable", NULL };
static const char *const al_fs_journal_data[] = { "ext2-journal-data", "ext3-journal-data", "journal", "journal-data", NULL };
static const char *const al_fs_noatime[] = { "ext2-noatime", "ext3-noatime", NULL };
static const char *const al_fs_nodump[] = { "ext2-nodump", "ext3-nodump", "nodump", NULL };
static const char *const al_fs_notail[] = { "ext2-notail", "ext3-notail", NULL };
static const char *const al_fs_secrm[] = { "ext2-secrm", "ext3-secrm", "secrm", NULL };
static const char *const al_fs_sync[] = { "ext2-sync", "ext3-sync", NULL };
static const char *const al_fs_topdir[] = { "ext2-topdir", "ext3-topdir", "topdir", NULL };
static const char *const al_fs_unrm[] = { "ext2-unrm", "ext3-unrm", "unrm", NULL };
static const char *const al_ftruncate64[] = { "ftruncate", "truncate", NULL };
static const char *const al_group_early[] = { "gid-e", NULL };
static const char *const al_lseek32_set[] = { "lseek32", NULL };
static const char *const al_lseek64_cur[] = { "seek-cur", NULL };
static const char *const al_lseek64_end[] = { "seek-end", NULL };
static const char *const al_lseek64_set[] = { "lseek", "lseek64", "seek", "seek-set", NULL };
static const char *const al_o_create[] = { "creat", "create", "o-creat", "o_create", NULL };
static const char *const al_o_direct[] = { "direct", "o_direct", NULL };
static const char *const al_o_directory[] = { "directory", "o_directory", NULL };
static const char *const al_o_dsync[] = { "dsync", "o_dsync", NULL };
static const char *const al_o_excl[] = { "excl", "o_excl", NULL };
static const char *const al_o_largefile[] = { "largefile", "o_largefile", NULL };
static const char *const al_o_noatime[] = { "noatime", NULL };
static const char *const al_o_noctty[] = { "noctty", "o_noctty", NULL };
static const char *const al_o_nofollow[] = { "nofollow", "o_nofollow", NULL };
static const char *const al_o_nonblock[] = { "ndelay", "nonblock", "o-ndelay", "o_ndelay", NULL };
static const char *const al_o_rdonly[] = { "o_rdonly", "rdonly", NULL };
static const char *const al_o_rdwr[] = { "o_rdwr", "rdwr", NULL };
static const char *const al_o_rsync[] = { "o_rsync", "rsync", NULL };
static const char *const al_o_sync[] = { "o_sync", "sync", NULL };
static const char *const al_o_trunc[] = { "trunc", NULL };
static const char *const al_o_wronly[] = { "o_wronly", "wronly", NULL };
static const char *const al_unlink[] = { "delete", "remove", NULL };
static const char *const al_unlink_early[] = { "new", NULL };
static const char *const al_user_early[] = { "uid-e", NULL };

const struct opt_def opt_rows_file[] = {
	{ .name = "append", .aliases = al_append, .type = OT_BOOL, .groups = G(FD) | G(OPEN),
	  .phase = PH_LATE, .how = OH_FCNTL_FL, .a1 = O_APPEND, .a2 = 0, .a3 = 0, .id = OPT_O_APPEND,
	  .help = "O_APPEND: every write goes to the end of the file" },
	{ .name = "async", .aliases = al_async, .type = OT_BOOL, .groups = G(FD) | G(OPEN),
	  .phase = PH_LATE, .how = OH_FCNTL_FL, .a1 = O_ASYNC, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "O_ASYNC: signal-driven I/O" },
	{ .name = "fs-append", .aliases = al_fs_append, .type = OT_BOOL, .groups = G(REG),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = FS_APPEND_FL, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_fsflag,
	  .help = "inode flag append-only (FS_IOC_SETFLAGS)" },
	{ .name = "fs-compr", .aliases = al_fs_compr, .type = OT_BOOL, .groups = G(REG),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = FS_COMPR_FL, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_fsflag,
	  .help = "inode flag compressed (FS_IOC_SETFLAGS)" },
	{ .name = "fs-dirsync", .aliases = al_fs_dirsync, .type = OT_BOOL, .groups = G(REG),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = FS_DIRSYNC_FL, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_fsflag,
	  .help = "inode flag synchronous directory updates" },
	{ .name = "fs-immutable", .aliases = al_fs_immutable, .type = OT_BOOL, .groups = G(REG),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = FS_IMMUTABLE_FL, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_fsflag,
	  .help = "inode flag immutable" },
	{ .name = "fs-journal-data", .aliases = al_fs_journal_data, .type = OT_BOOL, .groups = G(REG),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = FS_JOURNAL_DATA_FL, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_fsflag,
	  .help = "inode flag journal file data" },
	{ .name = "fs-noatime", .aliases = al_fs_noatime, .type = OT_BOOL, .groups = G(REG),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = FS_NOATIME_FL, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_fsflag,
	  .help = "inode flag no access time updates" },
	{ .name = "fs-nodump", .aliases = al_fs_nodump, .type = OT_BOOL, .groups = G(REG),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = FS_NODUMP_FL, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_fsflag,
	  .help = "inode flag excluded from dump" },
	{ .name = "fs-notail", .aliases = al_fs_notail, .type = OT_BOOL, .groups = G(REG),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = FS_NOTAIL_FL, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_fsflag,
	  .help = "inode flag no tail merging" },
	{ .name = "fs-secrm", .aliases = al_fs_secrm, .type = OT_BOOL, .groups = G(REG),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = FS_SECRM_FL, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_fsflag,
	  .help = "inode flag secure deletion" },
	{ .name = "fs-sync", .aliases = al_fs_sync, .type = OT_BOOL, .groups = G(REG),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = FS_SYNC_FL, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_fsflag,
	  .help = "inode flag synchronous updates" },
	{ .name = "fs-topdir", .aliases = al_fs_topdir, .type = OT_BOOL, .groups = G(REG),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = FS_TOPDIR_FL, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_fsflag,
	  .help = "inode flag top of directory hierarchy" },
	{ .name = "fs-unrm", .aliases = al_fs_unrm, .type = OT_BOOL, .groups = G(REG),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = FS_UNRM_FL, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_fsflag,
	  .help = "inode flag undeletable" },
	{ .name = "ftruncate32", .aliases = NULL, .type = OT_OFF, .groups = G(REG),
	  .phase = PH_LATE, .how = OH_FUNC, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_ftruncate,
	  .help = "ftruncate() to this length after opening" },
	{ .name = "ftruncate64", .aliases = al_ftruncate64, .type = OT_OFF64, .groups = G(REG),
	  .phase = PH_LATE, .how = OH_FUNC, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_FTRUNCATE, .apply = fn_ftruncate,
	  .help = "ftruncate() to this length after opening (no value: 1)" },
	{ .name = "group-early", .aliases = al_group_early, .type = OT_GID, .groups = G(NAMED),
	  .phase = PH_PREOPEN, .how = OH_FUNC, .a1 = 1, .a2 = 2, .a3 = 0, .id = OPT_GROUP_EARLY, .apply = opt_fn_owner,
	  .help = "chgrp the existing entry before opening it" },
	{ .name = "lseek32-cur", .aliases = NULL, .type = OT_OFF, .groups = G(BLK) | G(REG),
	  .phase = PH_LATE, .how = OH_FUNC, .a1 = SEEK_CUR, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_lseek,
	  .help = "lseek(SEEK_CUR) by the offset after opening" },
	{ .name = "lseek32-end", .aliases = NULL, .type = OT_OFF, .groups = G(BLK) | G(REG),
	  .phase = PH_LATE, .how = OH_FUNC, .a1 = SEEK_END, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_lseek,
	  .help = "lseek(SEEK_END) by the offset after opening" },
	{ .name = "lseek32-set", .aliases = al_lseek32_set, .type = OT_OFF, .groups = G(BLK) | G(REG),
	  .phase = PH_LATE, .how = OH_FUNC, .a1 = SEEK_SET, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_lseek,
	  .help = "lseek(SEEK_SET) to the offset after opening" },
	{ .name = "lseek64-cur", .aliases = al_lseek64_cur, .type = OT_OFF64, .groups = G(BLK) | G(REG),
	  .phase = PH_LATE, .how = OH_FUNC, .a1 = SEEK_CUR, .a2 = 0, .a3 = 0, .id = OPT_LSEEK_CUR, .apply = fn_lseek,
	  .help = "lseek(SEEK_CUR) by the offset after opening" },
	{ .name = "lseek64-end", .aliases = al_lseek64_end, .type = OT_OFF64, .groups = G(BLK) | G(REG),
	  .phase = PH_LATE, .how = OH_FUNC, .a1 = SEEK_END, .a2 = 0, .a3 = 0, .id = OPT_LSEEK_END, .apply = fn_lseek,
	  .help = "lseek(SEEK_END) by the offset after opening" },
	{ .name = "lseek64-set", .aliases = al_lseek64_set, .type = OT_OFF64, .groups = G(BLK) | G(REG),
	  .phase = PH_LATE, .how = OH_FUNC, .a1 = SEEK_SET, .a2 = 0, .a3 = 0, .id = OPT_LSEEK_SET, .apply = fn_lseek,
	  .help = "lseek(SEEK_SET) to the offset after opening" },
	{ .name = "o-create", .aliases = al_o_create, .type = OT_BOOL, .groups = G(OPEN),
	  .phase = PH_OPEN, .how = OH_OPEN_FLAG, .a1 = O_CREAT, .a2 = 0, .a3 = 0, .id = OPT_O_CREAT,
	  .help = "open flag O_CREAT: create the file if missing" },
	{ .name = "o-direct", .aliases = al_o_direct, .type = OT_BOOL, .groups = G(OPEN),
	  .phase = PH_OPEN, .how = OH_OPEN_FLAG, .a1 = O_DIRECT, .a2 = 0, .a3 = 0, .id = OPT_O_DIRECT,
	  .help = "open flag O_DIRECT: unbuffered I/O, page aligned buffers" },
	{ .name = "o-directory", .aliases = al_o_directory, .type = OT_BOOL, .groups = G(OPEN),
	  .phase = PH_OPEN, .how = OH_OPEN_FLAG, .a1 = O_DIRECTORY, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "open flag O_DIRECTORY: fail unless a directory" },
	{ .name = "o-dsync", .aliases = al_o_dsync, .type = OT_BOOL, .groups = G(OPEN),
	  .phase = PH_OPEN, .how = OH_OPEN_FLAG, .a1 = O_DSYNC, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "open flag O_DSYNC" },
	{ .name = "o-excl", .aliases = al_o_excl, .type = OT_BOOL, .groups = G(OPEN),
	  .phase = PH_OPEN, .how = OH_OPEN_FLAG, .a1 = O_EXCL, .a2 = 0, .a3 = 0, .id = OPT_O_EXCL,
	  .help = "open flag O_EXCL: fail if the file exists (with o-create)" },
	{ .name = "o-largefile", .aliases = al_o_largefile, .type = OT_BOOL, .groups = G(OPEN),
	  .phase = PH_OPEN, .how = OH_OPEN_FLAG, .a1 = O_LARGEFILE, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "open flag O_LARGEFILE" },
	{ .name = "o-noatime", .aliases = al_o_noatime, .type = OT_BOOL, .groups = G(FD) | G(OPEN),
	  .phase = PH_FD, .how = OH_FCNTL_FL, .a1 = O_NOATIME, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "O_NOATIME: do not update the access time" },
	{ .name = "o-noctty", .aliases = al_o_noctty, .type = OT_BOOL, .groups = G(OPEN),
	  .phase = PH_OPEN, .how = OH_OPEN_FLAG, .a1 = O_NOCTTY, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "open flag O_NOCTTY: never become the controlling tty" },
	{ .name = "o-nofollow", .aliases = al_o_nofollow, .type = OT_BOOL, .groups = G(OPEN),
	  .phase = PH_OPEN, .how = OH_OPEN_FLAG, .a1 = O_NOFOLLOW, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "open flag O_NOFOLLOW: refuse symbolic links" },
	{ .name = "o-nonblock", .aliases = al_o_nonblock, .type = OT_BOOL, .groups = G(FD) | G(OPEN),
	  .phase = PH_FD, .how = OH_FCNTL_FL, .a1 = O_NONBLOCK, .a2 = 0, .a3 = 0, .id = OPT_NONBLOCK,
	  .help = "O_NONBLOCK: non-blocking descriptor" },
	{ .name = "o-rdonly", .aliases = al_o_rdonly, .type = OT_BOOL, .groups = G(OPEN),
	  .phase = PH_OPEN, .how = OH_OPEN_FLAG, .a1 = O_RDONLY, .a2 = O_ACCMODE, .a3 = 0, .id = OPT_O_RDONLY,
	  .help = "open read-only regardless of direction" },
	{ .name = "o-rdwr", .aliases = al_o_rdwr, .type = OT_BOOL, .groups = G(OPEN),
	  .phase = PH_OPEN, .how = OH_OPEN_FLAG, .a1 = O_RDWR, .a2 = O_ACCMODE, .a3 = 0, .id = OPT_O_RDWR,
	  .help = "open read-write regardless of direction" },
	{ .name = "o-rsync", .aliases = al_o_rsync, .type = OT_BOOL, .groups = G(OPEN),
	  .phase = PH_OPEN, .how = OH_OPEN_FLAG, .a1 = O_RSYNC, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "open flag O_RSYNC" },
	{ .name = "o-sync", .aliases = al_o_sync, .type = OT_BOOL, .groups = G(OPEN),
	  .phase = PH_OPEN, .how = OH_OPEN_FLAG, .a1 = O_SYNC, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "open flag O_SYNC" },
	{ .name = "o-trunc", .aliases = al_o_trunc, .type = OT_BOOL, .groups = G(OPEN),
	  .phase = PH_LATE, .how = OH_FUNC, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_O_TRUNC, .apply = fn_trunc,
	  .help = "truncate the file to length 0 (O_TRUNC, or ftruncate when already open)" },
	{ .name = "o-wronly", .aliases = al_o_wronly, .type = OT_BOOL, .groups = G(OPEN),
	  .phase = PH_OPEN, .how = OH_OPEN_FLAG, .a1 = O_WRONLY, .a2 = O_ACCMODE, .a3 = 0, .id = OPT_O_WRONLY,
	  .help = "open write-only regardless of direction" },
	{ .name = "perm-early", .aliases = NULL, .type = OT_MODE, .groups = G(NAMED),
	  .phase = PH_PREOPEN, .how = OH_FUNC, .a1 = 0, .a2 = 2, .a3 = 0, .id = OPT_PERM_EARLY, .apply = opt_fn_perm,
	  .help = "chmod the existing entry before opening it" },
	{ .name = "unlink", .aliases = al_unlink, .type = OT_BOOL, .groups = G(NAMED),
	  .phase = PH_PREOPEN, .how = OH_FUNC, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_UNLINK, .apply = fn_unlink,
	  .help = "remove the entry before opening it" },
	{ .name = "unlink-close", .aliases = NULL, .type = OT_BOOL, .groups = G(NAMED),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_UNLINK_CLOSE,
	  .help = "remove the entry when the address is closed" },
	{ .name = "unlink-early", .aliases = al_unlink_early, .type = OT_BOOL, .groups = G(NAMED),
	  .phase = PH_EARLY, .how = OH_FUNC, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_UNLINK_EARLY, .apply = fn_unlink,
	  .help = "remove the entry before anything else" },
	{ .name = "unlink-late", .aliases = NULL, .type = OT_BOOL, .groups = G(NAMED),
	  .phase = PH_PASTOPEN, .how = OH_FUNC, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_UNLINK_LATE, .apply = fn_unlink,
	  .help = "remove the entry right after opening it" },
	{ .name = "user-early", .aliases = al_user_early, .type = OT_UID, .groups = G(NAMED),
	  .phase = PH_PREOPEN, .how = OH_FUNC, .a1 = 0, .a2 = 2, .a3 = 0, .id = OPT_USER_EARLY, .apply = opt_fn_owner,
	  .help = "chown the existing entry before opening it" },
	{ .name = NULL }
};
