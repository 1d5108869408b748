/* The process-wide buffer freelist and pipe pool of the engine: a direction holds a buffer or
 * an intermediate pipe only while bytes are in it, and hands it back here (session_int.h). */
#include "relay/session_int.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef PIPE_SIZE
#define PIPE_SIZE         (256u * 1024u)  /* F_SETPIPE_SZ for pooled pipes (best effort) */
#endif
#define BUF_FREELIST      8
#define PIPE_POOL         32

static unsigned char *buf_free[BUF_FREELIST];
static size_t buf_free_cap[BUF_FREELIST];
static int nbuf_free;

unsigned char *sess_buf_get(size_t cap)
{
	for (int i = 0; i < nbuf_free; i++) {
		if (buf_free_cap[i] == cap) {
			unsigned char *b = buf_free[i];
			buf_free[i] = buf_free[--nbuf_free];
			buf_free_cap[i] = buf_free_cap[nbuf_free];
			return b;
		}
	}
	/* page aligned: a file opened with o-direct (O_DIRECT) accepts nothing else */
	void *b = NULL;
	return posix_memalign(&b, 4096, cap) == 0 ? b : NULL;
}

void sess_buf_put(unsigned char *b, size_t cap)
{
	if (!b)
		return;
	if (nbuf_free < BUF_FREELIST) {
		buf_free[nbuf_free] = b;
		buf_free_cap[nbuf_free++] = cap;
	} else {
		free(b);
	}
}

static int pipe_pool[PIPE_POOL][2];
static int npipe_pool;
static size_t pipe_cap = 65536;

int sess_pipe_get(int p[2])
{
	if (npipe_pool > 0) {
		npipe_pool--;
		p[0] = pipe_pool[npipe_pool][0];
		p[1] = pipe_pool[npipe_pool][1];
		return 0;
	}
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0)
		return -1;
	int sz = fcntl(p[1], F_SETPIPE_SZ, (int)PIPE_SIZE);
	if (sz > 0 && (size_t)sz > pipe_cap)
		pipe_cap = (size_t)sz;
	return 0;
}

/* A pipe at an end of a direct splice: up to PIPE_SIZE (best effort, never shrunk). */
void sess_grow_pipe(int fd)
{
	if (fcntl(fd, F_GETPIPE_SZ) < (int)PIPE_SIZE)
		(void)fcntl(fd, F_SETPIPE_SZ, (int)PIPE_SIZE);
}

/* Only empty pipes go back to the pool. */
void sess_pipe_put(int p[2])
{
	if (p[0] < 0)
		return;
	if (npipe_pool < PIPE_POOL) {
		pipe_pool[npipe_pool][0] = p[0];
		pipe_pool[npipe_pool][1] = p[1];
		npipe_pool++;
	} else {
		close(p[0]);
		close(p[1]);
	}
	p[0] = p[1] = -1;
}

size_t sess_pipe_cap(void) { return pipe_cap; }
