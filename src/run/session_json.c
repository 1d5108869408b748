/* Sessions as JSON text (session_json.h). */
#include "run/session_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loop/loop.h"
#include "relay/session.h"
#include "relay/session_info.h"

static const char *addr_text[2] = { "", "" };

void session_json_set_addrs(const char *a1, const char *a2)
{
	addr_text[0] = a1 ? a1 : "";
	addr_text[1] = a2 ? a2 : "";
}

static bool jb_room(struct jbuf *b, size_t more)
{
	if (b->failed)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void jb_add(struct jbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !jb_room(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void jb_str(struct jbuf *b, const char *s)
{
	jb_add(b, "\"");
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			jb_add(b, "\\%c", *c);
		else if (*c == '\n')
			jb_add(b, "\\n");
		else if (*c == '\t')
			jb_add(b, "\\t");
		else if (*c < 0x20 || *c == 0x7f)
			jb_add(b, "\\u%04x", *c);
		else
			jb_add(b, "%c", *c);
	}
	jb_add(b, "\"");
}

void jb_time(struct jbuf *b, const struct timeval *tv)
{
	struct tm tm;
	time_t t = tv->tv_sec;
	gmtime_r(&t, &tm);
	char s[40];
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
	jb_add(b, "\"%s.%06ldZ\"", s, (long)tv->tv_usec);
}

void jb_free(struct jbuf *b)
{
	free(b->p);
	*b = (struct jbuf){ 0 };
}

void session_json_open_fields(struct jbuf *b, struct session *s)
{
	const struct session_info *si = session_info(s);
	jb_add(b, "\"session\":%llu,\"time\":", si->id);
	jb_time(b, &si->opened);
	jb_add(b, ",\"addr\":[");
	jb_str(b, addr_text[0]);
	jb_add(b, ",");
	jb_str(b, addr_text[1]);
	jb_add(b, "]");
	if (si->peer[0]) {
		jb_add(b, ",\"peer\":");
		jb_str(b, si->peer);
	}
	if (si->local[0]) {
		jb_add(b, ",\"local\":");
		jb_str(b, si->local);
	}
	if (si->peer_subject[0]) {
		jb_add(b, ",\"tls_subject\":");
		jb_str(b, si->peer_subject);
	}
}

void session_json_live(struct jbuf *b, struct session *s)
{
	unsigned long long n[2];
	session_bytes(s, n);
	jb_add(b, "{");
	session_json_open_fields(b, s);
	jb_add(b, ",\"left_to_right\":%llu,\"right_to_left\":%llu,\"age_s\":%.3f,\"idle_s\":%.3f}", n[0], n[1],
	       loop_now() - session_info(s)->opened_mono, session_idle(s));
}

struct table_walk {
	struct jbuf *b;
	bool first;
};

static void table_one(struct session *s, void *arg)
{
	struct table_walk *w = arg;
	if (!w->first)
		jb_add(w->b, ",");
	w->first = false;
	session_json_live(w->b, s);
}

void session_json_table(struct jbuf *b)
{
	struct table_walk w = { b, true };
	jb_add(b, "[");
	session_foreach(table_one, &w);
	jb_add(b, "]");
}
