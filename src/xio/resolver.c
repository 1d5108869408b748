/* Name resolution in a thread, reported to the loop through an eventfd (see resolver.h).
 *
 * A job is shared by the loop and its thread and freed by whichever lets go last (reference
 * count): a cancelled job's thread still finishes getaddrinfo(), writes to the eventfd that is
 * still open, and frees the job.
 *
 * Threads and fork(): the loop process forks for EXEC/SYSTEM children, which exec at once
 * (glibc's fork() keeps malloc and the NSS configuration consistent in the child), and for
 * per-connection processes, which resolve synchronously (the caller checks) and never inherit
 * a thread. */
#include "xio/resolver.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/text_size.h"

struct resolve_job {
	atomic_int refs;
	int efd;
	struct loop *lp;
	bool registered;
	char *host, *port;
	struct resolve_query q;
	/* the thread's result */
	int rc;
	struct sa_list out;
	char err[ERROR_TEXT_SIZE];
	resolve_done_fn done; /* NULL once cancelled */
	void *arg;
};

static void job_unref(struct resolve_job *j)
{
	if (atomic_fetch_sub(&j->refs, 1) != 1)
		return;
	if (j->efd >= 0)
		close(j->efd);
	sa_list_free(&j->out);
	free(j->host);
	free(j->port);
	free(j);
}

int resolve_now(const struct resolve_query *q, struct sa_list *out, char *err, size_t errlen)
{
	return sa_resolve(q->host, q->port, q->family, q->pref_ipv, q->socktype, q->protocol, q->flags, out, err,
			  errlen);
}

static void *resolve_thread(void *p)
{
	struct resolve_job *j = p;
	j->rc = resolve_now(&j->q, &j->out, j->err, sizeof j->err);
	uint64_t one = 1;
	while (write(j->efd, &one, sizeof one) < 0 && errno == EINTR)
		;
	job_unref(j);
	return NULL;
}

static void job_ready(struct loop *lp, int fd, uint32_t ev, void *arg)
{
	(void)ev;
	struct resolve_job *j = arg;
	uint64_t v;
	if (read(fd, &v, sizeof v) < 0 && errno == EAGAIN)
		return; /* not yet (spurious wakeup) */
	/* the thread has written, and won't touch the eventfd again: close it before done()
	 * opens the connection (which so gets the fd number it would have had) */
	loop_del_fd(lp, fd);
	j->registered = false;
	close(fd);
	j->efd = -1;
	resolve_done_fn done = j->done;
	j->done = NULL;
	if (done) {
		if (j->rc == 0) {
			struct sa_list out = j->out;
			memset(&j->out, 0, sizeof j->out);
			done(j->arg, &out, NULL);
		} else {
			done(j->arg, NULL, j->err);
		}
	}
	job_unref(j);
}

struct resolve_job *resolve_start(struct loop *lp, const struct resolve_query *q, resolve_done_fn done,
				  void *arg)
{
	struct resolve_job *j = calloc(1, sizeof *j);
	if (!j)
		return NULL;
	atomic_init(&j->refs, 1); /* the loop's; the thread gets its own below */
	j->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	j->host = strdup(q->host ? q->host : "");
	j->port = q->port ? strdup(q->port) : NULL;
	if (j->efd < 0 || !j->host || (q->port && !j->port))
		goto fail;
	j->q = *q;
	j->q.host = j->host;
	j->q.port = j->port;
	j->lp = lp;
	j->done = done;
	j->arg = arg;
	if (loop_add_fd(lp, j->efd, LOOP_IN, job_ready, j) < 0)
		goto fail;
	j->registered = true;
	atomic_store(&j->refs, 2);

	/* The thread takes no signals: they belong to the loop (signalfd). */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_t at;
	pthread_t t;
	int rc = pthread_attr_init(&at);
	if (rc == 0) {
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		rc = pthread_create(&t, &at, resolve_thread, j);
		pthread_attr_destroy(&at);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0)
		return j;
	loop_del_fd(lp, j->efd);
	atomic_store(&j->refs, 1);
fail:
	job_unref(j);
	return NULL;
}

void resolve_cancel(struct resolve_job *j)
{
	if (!j)
		return;
	j->done = NULL;
	if (j->registered) {
		loop_del_fd(j->lp, j->efd);
		j->registered = false;
	}
	job_unref(j);
}
