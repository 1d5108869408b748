/* relay/session_info.c: how a session's end is worded for the session log. The first reason
 * given wins; at the end a family's report (TLS alert, WebSocket close) replaces eof, error
 * and reset but not timeout, signal or closed; the TLS peer subject is taken from either end. */
#include <string.h>

#include "relay/endpoint.h"
#include "relay/session_info.h"
#include "tap.h"

static void settle(struct session_info *si, int status, struct endpoint *a, struct endpoint *b)
{
	const struct endpoint *const ep[2] = { a, b };
	session_info_settle(si, status, ep);
}

int main(void)
{
	struct endpoint a, b;
	struct session_info si;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	memset(&si, 0, sizeof si);
	settle(&si, 0, &a, &b);
	tap_is_str(si.reason, "eof", "no reason given, status 0: eof");

	memset(&si, 0, sizeof si);
	settle(&si, 1, &a, &b);
	tap_is_str(si.reason, "error", "no reason given, status 1: error");

	memset(&si, 0, sizeof si);
	session_info_end(&si, "reset", "Connection reset by peer");
	session_info_end(&si, "timeout", NULL);
	tap_is_str(si.reason, "reset", "the first reason wins");
	tap_is_str(si.error, "Connection reset by peer", "with its text");

	strcpy(endpoint_report(&b)->end_reason, "ws-close:1001");
	memset(&si, 0, sizeof si);
	settle(&si, 0, &a, &b);
	tap_is_str(si.reason, "ws-close:1001", "a WebSocket close replaces eof");

	memset(endpoint_report(&b), 0, sizeof *b.report);
	strcpy(endpoint_report(&a)->end_reason, "tls-alert");
	strcpy(endpoint_report(&a)->error, "alert 116 (certificate_required)");
	strcpy(endpoint_report(&a)->peer_subject, "CN=peer");
	memset(&si, 0, sizeof si);
	session_info_end(&si, "error", "Protocol error");
	settle(&si, 1, &a, &b);
	tap_is_str(si.reason, "tls-alert", "a TLS alert replaces error");
	tap_is_str(si.error, "alert 116 (certificate_required)", "and its text the error's");
	tap_is_str(si.peer_subject, "CN=peer", "the peer subject is kept");

	memset(&si, 0, sizeof si);
	session_info_end(&si, "timeout", "no data");
	settle(&si, 0, &a, &b);
	tap_is_str(si.reason, "timeout", "a timeout stays a timeout");
	memset(&si, 0, sizeof si);
	session_info_end(&si, "signal", NULL);
	settle(&si, 0, &a, &b);
	tap_is_str(si.reason, "signal", "a signal stays a signal");
	return tap_done();
}
