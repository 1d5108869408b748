/* Option table: WebSocket family (WS, WS-LISTEN; src/xio/ws.c takes them all). One row per
 * option; see opt.h for the row fields. duct's own: socat has no WebSocket addresses. */
#include "opt/opt_int.h"

/* clang-format off */
const struct opt_def opt_rows_ws[] = {
	{ .name = "ws-binary", .aliases = NULL, .type = OT_BOOL, .groups = G(WS),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_WS_BINARY,
	  .help = "send the bytes read from the other address as binary messages (the default)" },
	{ .name = "ws-header", .aliases = NULL, .type = OT_STRING, .groups = G(WS),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_WS_HEADER, .multi = true,
	  .help = "NAME:VALUE: one more header line in the client's upgrade request (repeatable)" },
	{ .name = "ws-max-message", .aliases = NULL, .type = OT_SIZE, .groups = G(WS),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_WS_MAX_MESSAGE,
	  .help = "close with 1009 (message too big) when a peer's message exceeds this many bytes (default: no limit)" },
	{ .name = "ws-origin", .aliases = NULL, .type = OT_STRING, .groups = G(WS),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_WS_ORIGIN,
	  .help = "server: the Origin a request must carry (else 403); client: the Origin header sent" },
	{ .name = "ws-path", .aliases = NULL, .type = OT_STRING, .groups = G(WS),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_WS_PATH,
	  .help = "server: the request path that is served (else 404; default: any path)" },
	{ .name = "ws-ping-interval", .aliases = NULL, .type = OT_TIMEVAL, .groups = G(WS),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_WS_PING_INTERVAL,
	  .help = "send a ping every this many seconds once connected (default: none)" },
	{ .name = "ws-ping-timeout", .aliases = NULL, .type = OT_TIMEVAL, .groups = G(WS),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_WS_PING_TIMEOUT,
	  .help = "end the session when nothing arrives this many seconds after a ping (default: the interval)" },
	{ .name = "ws-protocol", .aliases = NULL, .type = OT_STRING, .groups = G(WS),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_WS_PROTOCOL,
	  .help = "subprotocol: the client asks for it and requires it; the server requires the client to offer it" },
	{ .name = "ws-text", .aliases = NULL, .type = OT_BOOL, .groups = G(WS),
	  .phase = PH_LATE, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_WS_TEXT,
	  .help = "send the bytes read from the other address as text messages (they must be UTF-8)" },
	{ .name = NULL }
};
