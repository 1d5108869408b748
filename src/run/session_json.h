/* Sessions as JSON text, for the session log and the control socket: one growing buffer,
 * strings escaped, times in RFC 3339 with microseconds. */
#ifndef DUCT_SESSION_JSON_H
#define DUCT_SESSION_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>

struct session;

struct jbuf {
	char *p;
	size_t len, cap;
	bool failed;   /* out of memory: the text is cut short, don't send it */
};

void jb_add(struct jbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string literal of s (quotes, escapes). */
void jb_str(struct jbuf *b, const char *s);
/* "2026-12-06T01:02:03.123456Z" */
void jb_time(struct jbuf *b, const struct timeval *tv);
void jb_free(struct jbuf *b);

/* The two address texts every session of this process serves (set once by the runner). */
void session_json_set_addrs(const char *a1, const char *a2);
/* "session":N,"time":...,"addr":[...],"peer":...,"local":... (no braces) */
void session_json_open_fields(struct jbuf *b, struct session *s);
/* One live session as an object: the open fields, its byte counts, age and idle time. */
void session_json_live(struct jbuf *b, struct session *s);
/* Every live session of this process, as an array. */
void session_json_table(struct jbuf *b);

#endif
