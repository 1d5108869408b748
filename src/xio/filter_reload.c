/* reload for the peer lists of listeners (the control socket's "reload"): every live
 * sk_filter remembers the allow/deny texts and file names it was built from; reloading builds
 * new lists from them (files read again) and swaps them in only when all of a filter's parts
 * parse, so a bad file leaves the old lists in force. Sessions already accepted go on. */
#include "xio/socket.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sk_filter_src {
	bool file, deny;
	char *text;
};

static struct sk_filter *live; /* every filter with sources, through next_live */

void sk_filter_remember(struct sk_filter *f, bool file, bool deny, const char *text)
{
	struct sk_filter_src *n = realloc(f->src, (f->nsrc + 1) * sizeof *n);
	if (!n)
		return;
	f->src = n;
	struct sk_filter_src *slot = &n[f->nsrc];
	slot->text = strdup(text);
	if (!slot->text)
		return;
	slot->file = file;
	slot->deny = deny;
	f->nsrc++;
	if (f->nsrc == 1) {
		f->next_live = live;
		live = f;
	}
}

void sk_filter_forget(struct sk_filter *f)
{
	for (struct sk_filter **pp = &live; *pp; pp = &(*pp)->next_live)
		if (*pp == f) {
			*pp = f->next_live;
			break;
		}
	for (size_t i = 0; i < f->nsrc; i++)
		free(f->src[i].text);
	free(f->src);
	f->src = NULL;
	f->nsrc = 0;
}

static int reload_one(struct sk_filter *f, char *err, size_t errlen)
{
	struct sa_rangelist l[2] = { { 0 }, { 0 } }; /* allow, deny */
	for (size_t i = 0; i < f->nsrc; i++) {
		const struct sk_filter_src *s = &f->src[i];
		struct sa_rangelist *rl = &l[s->deny];
		int r = s->file ? sa_rangelist_load(rl, s->text, err, errlen) : sa_rangelist_add(rl, s->text, err, errlen);
		if (r < 0) {
			sa_rangelist_free(&l[0]);
			sa_rangelist_free(&l[1]);
			return -1;
		}
	}
	sa_rangelist_free(&f->allow);
	sa_rangelist_free(&f->deny);
	f->allow = l[0];
	f->deny = l[1];
	return 0;
}

int xio_reload_filters(char *err, size_t errlen)
{
	int n = 0, failed = 0;
	err[0] = 0;
	for (struct sk_filter *f = live; f; f = f->next_live) {
		char e[400];
		if (reload_one(f, e, sizeof e) < 0) {
			if (!failed++)
				snprintf(err, errlen, "%s (the lists in force stay)", e);
		} else {
			n++;
		}
	}
	return failed ? -1 : n;
}
