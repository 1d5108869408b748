/* The session metadata the engine keeps for its watchers: how a session's end is worded. */
#include "relay/session_info.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool keep;
static struct session_info scratch;

void session_info_keep(void) { keep = true; }
bool session_info_kept(void) { return keep; }

struct session_info *session_info_new(void)
{
	struct session_info *si = keep ? calloc(1, sizeof *si) : NULL;
	if (!si) {
		si = &scratch;
		memset(si, 0, sizeof *si);
	}
	return si;
}

void session_info_free(struct session_info *si)
{
	if (si != &scratch)
		free(si);
}

void session_info_end(struct session_info *si, const char *reason, const char *err)
{
	if (si->reason[0])
		return;
	snprintf(si->reason, sizeof si->reason, "%s", reason);
	snprintf(si->error, sizeof si->error, "%s", err ? err : "");
}

void session_info_take_subject(struct session_info *si, const struct endpoint *const ep[2])
{
	for (int i = 0; i < 2 && !si->peer_subject[0]; i++)
		if (ep[i] && ep[i]->report && ep[i]->report->peer_subject[0])
			snprintf(si->peer_subject, sizeof si->peer_subject, "%s", ep[i]->report->peer_subject);
}

/* A family's end tells more than the engine's: the peer's TLS alert is why the read failed,
 * a WebSocket close frame is why the data ended. A timeout, a signal or a close by the
 * operator stay what they were: they came first. */
static bool family_says_more(const char *reason)
{
	return !strcmp(reason, "eof") || !strcmp(reason, "error") || !strcmp(reason, "reset");
}

void session_info_settle(struct session_info *si, int status, const struct endpoint *const ep[2])
{
	session_info_end(si, status ? "error" : "eof", NULL);
	session_info_take_subject(si, ep);
	if (!family_says_more(si->reason))
		return;
	for (int i = 0; i < 2; i++) {
		const struct ep_report *r = ep[i] ? ep[i]->report : NULL;
		if (!r || !r->end_reason[0])
			continue;
		snprintf(si->reason, sizeof si->reason, "%s", r->end_reason);
		if (r->error[0])
			snprintf(si->error, sizeof si->error, "%s", r->error);
		return;
	}
}
