/* What the engine keeps about each session for those who watch it (the session log, the
 * control socket): its number, when it started, how it ended, and a watcher the runner
 * registers to hear of the end. The engine fills in the end; the runner names the session
 * (number, addresses, peer) right after session_start. */
#ifndef DUCT_SESSION_INFO_H
#define DUCT_SESSION_INFO_H

#include <stdbool.h>
#include <sys/time.h>

#include "relay/endpoint.h"

struct session;

struct session_info {
	unsigned long long id;   /* unique in the process tree (the runner numbers them) */
	struct timeval opened;   /* wall clock, for the log */
	double opened_mono;      /* loop_now() at the start, for durations */
	char peer[128];          /* HOST:PORT or socket path of the accepted side ("" unknown) */
	char local[128];
	char reason[32];         /* "eof", "reset", "timeout", "signal", "error", "closed",
				    "tls-alert", "ws-close:CODE"; "" while it runs */
	char error[200];         /* text for the reason, "" when there is none */
	char peer_subject[256];  /* TLS peer certificate subject, "" when none */
};

/* The watcher: called when a session has ended, before its endpoints are closed (the
 * reason is final then). One per process; NULL to stop. */
typedef void (*session_closed_fn)(struct session *s, void *arg);
void session_watch_close(session_closed_fn fn, void *arg);

struct session_info *session_info(struct session *s);
/* Bytes moved so far: [0] address 1 -> 2, [1] 2 -> 1. */
void session_bytes(const struct session *s, unsigned long long out[2]);
/* Seconds since data last moved. */
double session_idle(const struct session *s);
/* End session s now, with reason "closed" (the control socket's close N). */
void session_close_now(struct session *s);

/* Keep the texts for every session from now on (a session log or a control socket watches);
 * until then sessions share one scratch record that nobody reads, so an unwatched relay
 * spends no memory per connection on them. */
void session_info_keep(void);
/* A session's record (at its start) and its release (at its end). */
struct session_info *session_info_new(void);
void session_info_free(struct session_info *si);
bool session_info_kept(void);

/* Record why a session is ending: the first reason given wins. err may be NULL. */
void session_info_end(struct session_info *si, const char *reason, const char *err);
/* At the end: a reason when none was given (status 0: eof, else error), and what the
 * endpoints' families reported (a TLS alert or WebSocket close replaces eof, error and
 * reset; the peer subject is kept). */
void session_info_settle(struct session_info *si, int status, const struct endpoint *const ep[2]);
/* Copy the families' reports known at the start (the TLS peer subject). */
void session_info_take_subject(struct session_info *si, const struct endpoint *const ep[2]);

#endif
