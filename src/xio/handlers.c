/* THE table of address types: one entry per handler, grouped by family (the way curl lists
 * its protocol handlers). Adding an address type = one struct in its family file plus one
 * line here. Lookup (xio_find) is case-insensitive and covers aliases; names and aliases must
 * be unique across the table (tests/unit/xio_table.c checks it). */
#include "xio/xio.h"
#include "xio/net_handlers.h"
#include "xio/tls_handlers.h"

/* core: stdio and inherited fds (stdio.c) */
extern const struct xio_handler xio_stdio, xio_stdin, xio_stdout, xio_stderr, xio_fd;
/* core: filesystem (file.c, pipe.c) */
extern const struct xio_handler xio_open, xio_create, xio_gopen, xio_pipe;
/* core: internal echo (socketpair.c) */
extern const struct xio_handler xio_socketpair;
/* core: child programs (exec.c) */
extern const struct xio_handler xio_exec, xio_system, xio_shell;
/* one hub shared by every session that opens it (hub.c) */
extern const struct xio_handler xio_broker, xio_chat, xio_fanout;
/* terminals (pty.c, readline.c) */
extern const struct xio_handler xio_pty, xio_readline;
/* POSIX message queues (posixmq.c) */
extern const struct xio_handler xio_posixmq_read, xio_posixmq_receive, xio_posixmq_send, xio_posixmq_bidir;
/* WebSocket client and server (ws.c) */
extern const struct xio_handler xio_ws_connect, xio_ws_listen, xio_wss_connect, xio_wss_listen;

static const struct xio_handler *const table[] = {
	/* stdio and inherited file descriptors */
	&xio_stdio,
	&xio_stdin,
	&xio_stdout,
	&xio_stderr,
	&xio_fd,
	/* files, devices, named pipes */
	&xio_open,
	&xio_create,
	&xio_gopen,
	&xio_pipe,
	/* internal echo */
	&xio_socketpair,
	/* child programs */
	&xio_exec,
	&xio_system,
	&xio_shell,
	/* hubs: broker, chat, fan-out */
	&xio_broker,
	&xio_chat,
	&xio_fanout,
	/* terminals */
	&xio_pty,
	&xio_readline,
	/* POSIX message queues */
	&xio_posixmq_read,
	&xio_posixmq_receive,
	&xio_posixmq_send,
	&xio_posixmq_bidir,
	/* network: TCP, UDP, UDP-Lite, UNIX, ABSTRACT, raw IP, generic sockets, VSOCK, SCTP, DCCP,
	 * INTERFACE, TUN, ACCEPT-FD (net_handlers.h) */
	XIO_NET_HANDLERS,
	/* TLS, DTLS, SOCKS4/4A/5, HTTP CONNECT proxy (tls_handlers.h) */
	XIO_TLS_HANDLERS,
	/* WebSocket */
	&xio_ws_connect,
	&xio_ws_listen,
	&xio_wss_connect,
	&xio_wss_listen,
	NULL,
};

const struct xio_handler *const *xio_handlers(void)
{
	return table;
}
