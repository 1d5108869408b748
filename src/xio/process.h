/* PROCESS options: what changes the whole process rather than one fd (root directory, user and
 * group ids, session, umask, working directory, network namespace). Families take them from an
 * address's options with proc_opts_take() and apply them at the phases of their open sequence:
 * in the duct process for a one-shot relay, in the child for EXEC/SYSTEM, and in a process of
 * its own per connection for fork listeners (proc_opts_need_process). */
#ifndef DUCT_PROCESS_H
#define DUCT_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "opt/opt.h"

struct proc_opts {
	const char *chroot_dir, *chroot_early_dir;
	bool has_setuid, has_setuid_early, has_setgid, has_setgid_early;
	uid_t setuid, setuid_early;
	gid_t setgid, setgid_early;
	const char *su, *su_early, *su_delayed;   /* user names (or numbers) */
	bool setsid;
	const char *netns;
	const char *chdir_dir;
	bool has_umask;
	mode_t umask;
	/* state kept between phases */
	int saved_cwd;       /* fd of the cwd before chdir=, restored after the open */
	mode_t saved_umask;
	int saved_netns;     /* fd of our netns before netns=, restored after the open */
	struct passwd_copy {
		bool valid;
		uid_t uid;
		gid_t gid;
		char name[64], home[256], shell[256];
	} su_d;              /* su-d: looked up at INIT, switched to at LATE2 (works after chroot) */
};

/* Take every PROCESS option (and chdir, umask) from l; returns -1 on a bad value (logged). */
int proc_opts_take(struct opt_list *l, struct proc_opts *po, const char *addrname);
/* Does any option change the identity or root of the process (so a fork listener must serve
 * each connection in a process of its own)? */
bool proc_opts_need_process(const struct proc_opts *po);
/* Apply what belongs to phase ph (PH_INIT, PH_EARLY, PH_LATE, PH_LATE2). -1 on failure, logged
 * with the address name and what to do. */
int proc_opts_apply(struct proc_opts *po, enum opt_phase ph, const char *addrname);
/* Undo the temporary settings of PH_INIT (cwd, umask, netns) once the address is open. */
void proc_opts_restore(struct proc_opts *po);

/* netns=NAME (or a path): an fd of that namespace, -1 when it cannot be opened (logged, with
 * how to create it). */
int proc_netns_open(const char *netns, const char *addrname);
/* Switch this thread into the namespace nsfd; returns an fd of the one we were in (for
 * proc_netns_leave), -1 on failure (logged). Sockets belong to the namespace they were created
 * in, so a family that creates one later (a retry, a fork client's next connection, after a
 * lookup) makes it between these two. */
int proc_netns_enter(int nsfd, const char *addrname);
/* Back to saved (from proc_netns_enter) and close it; -1: nothing to do. */
void proc_netns_leave(int saved);

/* Drop to uid/gid for good: supplementary groups first (to `groups_of` user's groups when
 * name is given, else none), then gid, then uid, then check that the way back is closed. */
int proc_drop_privileges(const char *name, uid_t uid, gid_t gid, const char *addrname);

#endif
