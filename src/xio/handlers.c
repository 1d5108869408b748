/* THE table of address types: one entry per handler, grouped by family (the way curl lists
 * its protocol handlers). Adding an address type = one struct in its family file plus its
 * declaration and one line here. -h, the man page and the shell completion list the
 * address types in this order. Lookup (xio_find) is case-insensitive and covers aliases; names and aliases must be unique
 * across the table (tests/unit/xio_table.c checks it). */
#include "xio/xio.h"

/* stdio and inherited file descriptors (stdio.c) */
extern const struct xio_handler xio_stdio, xio_stdin, xio_stdout, xio_stderr, xio_fd;
/* files, devices, named pipes (file.c, pipe.c) */
extern const struct xio_handler xio_open, xio_create, xio_gopen, xio_pipe;
/* internal echo (socketpair.c) */
extern const struct xio_handler xio_socketpair;
/* child programs (exec.c) */
extern const struct xio_handler xio_exec, xio_system, xio_shell;
/* hubs: broker, chat, fan-out (hub.c) */
extern const struct xio_handler xio_broker, xio_chat, xio_fanout;
/* terminals (pty.c, readline.c) */
extern const struct xio_handler xio_pty, xio_readline;
/* POSIX message queues (posixmq.c) */
extern const struct xio_handler xio_posixmq_read, xio_posixmq_receive, xio_posixmq_send,
	xio_posixmq_bidir;
/* TCP (tcp.c) */
extern const struct xio_handler xio_tcp_connect, xio_tcp4_connect, xio_tcp6_connect, xio_tcp_listen,
	xio_tcp4_listen, xio_tcp6_listen;
/* UNIX domain sockets, named and abstract (unix.c) */
extern const struct xio_handler xio_unix_connect, xio_unix_listen, xio_unix_sendto,
	xio_unix_recvfrom, xio_unix_recv, xio_unix_client, xio_abstract_connect, xio_abstract_listen,
	xio_abstract_sendto, xio_abstract_recvfrom, xio_abstract_recv, xio_abstract_client;
/* raw IP (rawip.c) */
extern const struct xio_handler xio_ip_sendto, xio_ip4_sendto, xio_ip6_sendto, xio_ip_datagram,
	xio_ip4_datagram, xio_ip6_datagram, xio_ip_recvfrom, xio_ip4_recvfrom, xio_ip6_recvfrom,
	xio_ip_recv, xio_ip4_recv, xio_ip6_recv;
/* generic sockets: any domain, type, protocol (generic_socket.c) */
extern const struct xio_handler xio_socket_connect, xio_socket_listen, xio_socket_sendto,
	xio_socket_datagram, xio_socket_recvfrom, xio_socket_recv;
/* a listening socket passed in by a supervisor (accept_fd.c) */
extern const struct xio_handler xio_accept_fd;
/* VSOCK (vsock.c) */
extern const struct xio_handler xio_vsock_connect, xio_vsock_listen;
/* SCTP (sctp.c) */
extern const struct xio_handler xio_sctp_connect, xio_sctp4_connect, xio_sctp6_connect,
	xio_sctp_listen, xio_sctp4_listen, xio_sctp6_listen;
/* DCCP (dccp.c) */
extern const struct xio_handler xio_dccp_connect, xio_dccp4_connect, xio_dccp6_connect,
	xio_dccp_listen, xio_dccp4_listen, xio_dccp6_listen;
/* network interfaces, packet sockets (interface.c) */
extern const struct xio_handler xio_interface;
/* TUN/TAP devices (tun.c) */
extern const struct xio_handler xio_tun;
/* UDP and UDP-Lite (udp.c) */
extern const struct xio_handler xio_udp_connect, xio_udp_listen, xio_udp_sendto, xio_udp_recvfrom,
	xio_udp_recv, xio_udp_datagram, xio_udp4_connect, xio_udp4_listen, xio_udp4_sendto,
	xio_udp4_recvfrom, xio_udp4_recv, xio_udp4_datagram, xio_udp6_connect, xio_udp6_listen,
	xio_udp6_sendto, xio_udp6_recvfrom, xio_udp6_recv, xio_udp6_datagram, xio_udplite_connect,
	xio_udplite_listen, xio_udplite_sendto, xio_udplite_recvfrom, xio_udplite_recv,
	xio_udplite_datagram, xio_udplite4_connect, xio_udplite4_listen, xio_udplite4_sendto,
	xio_udplite4_recvfrom, xio_udplite4_recv, xio_udplite4_datagram, xio_udplite6_connect,
	xio_udplite6_listen, xio_udplite6_sendto, xio_udplite6_recvfrom, xio_udplite6_recv,
	xio_udplite6_datagram;
/* TLS (tls.c) */
extern const struct xio_handler xio_openssl_connect, xio_openssl_listen;
/* DTLS (dtls.c) */
extern const struct xio_handler xio_openssl_dtls_client, xio_openssl_dtls_server;
/* SOCKS4/4A/5 clients (socks.c) */
extern const struct xio_handler xio_socks4, xio_socks4a, xio_socks5_connect, xio_socks5_listen;
/* HTTP CONNECT proxy client (http_proxy.c) */
extern const struct xio_handler xio_proxy_connect;
/* SOCKS and HTTP proxy servers (proxy_server.c) */
extern const struct xio_handler xio_socks_server, xio_http_proxy_server;
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
	/* TCP */
	&xio_tcp_connect,
	&xio_tcp4_connect,
	&xio_tcp6_connect,
	&xio_tcp_listen,
	&xio_tcp4_listen,
	&xio_tcp6_listen,
	/* UNIX domain sockets, named and abstract */
	&xio_unix_connect,
	&xio_unix_listen,
	&xio_unix_sendto,
	&xio_unix_recvfrom,
	&xio_unix_recv,
	&xio_unix_client,
	&xio_abstract_connect,
	&xio_abstract_listen,
	&xio_abstract_sendto,
	&xio_abstract_recvfrom,
	&xio_abstract_recv,
	&xio_abstract_client,
	/* raw IP */
	&xio_ip_sendto,
	&xio_ip4_sendto,
	&xio_ip6_sendto,
	&xio_ip_datagram,
	&xio_ip4_datagram,
	&xio_ip6_datagram,
	&xio_ip_recvfrom,
	&xio_ip4_recvfrom,
	&xio_ip6_recvfrom,
	&xio_ip_recv,
	&xio_ip4_recv,
	&xio_ip6_recv,
	/* generic sockets: any domain, type, protocol */
	&xio_socket_connect,
	&xio_socket_listen,
	&xio_socket_sendto,
	&xio_socket_datagram,
	&xio_socket_recvfrom,
	&xio_socket_recv,
	/* a listening socket passed in by a supervisor */
	&xio_accept_fd,
	/* VSOCK */
	&xio_vsock_connect,
	&xio_vsock_listen,
	/* SCTP */
	&xio_sctp_connect,
	&xio_sctp4_connect,
	&xio_sctp6_connect,
	&xio_sctp_listen,
	&xio_sctp4_listen,
	&xio_sctp6_listen,
	/* DCCP */
	&xio_dccp_connect,
	&xio_dccp4_connect,
	&xio_dccp6_connect,
	&xio_dccp_listen,
	&xio_dccp4_listen,
	&xio_dccp6_listen,
	/* network interfaces, packet sockets */
	&xio_interface,
	/* TUN/TAP devices */
	&xio_tun,
	/* UDP and UDP-Lite */
	&xio_udp_connect,
	&xio_udp_listen,
	&xio_udp_sendto,
	&xio_udp_recvfrom,
	&xio_udp_recv,
	&xio_udp_datagram,
	&xio_udp4_connect,
	&xio_udp4_listen,
	&xio_udp4_sendto,
	&xio_udp4_recvfrom,
	&xio_udp4_recv,
	&xio_udp4_datagram,
	&xio_udp6_connect,
	&xio_udp6_listen,
	&xio_udp6_sendto,
	&xio_udp6_recvfrom,
	&xio_udp6_recv,
	&xio_udp6_datagram,
	&xio_udplite_connect,
	&xio_udplite_listen,
	&xio_udplite_sendto,
	&xio_udplite_recvfrom,
	&xio_udplite_recv,
	&xio_udplite_datagram,
	&xio_udplite4_connect,
	&xio_udplite4_listen,
	&xio_udplite4_sendto,
	&xio_udplite4_recvfrom,
	&xio_udplite4_recv,
	&xio_udplite4_datagram,
	&xio_udplite6_connect,
	&xio_udplite6_listen,
	&xio_udplite6_sendto,
	&xio_udplite6_recvfrom,
	&xio_udplite6_recv,
	&xio_udplite6_datagram,
	/* TLS */
	&xio_openssl_connect,
	&xio_openssl_listen,
	/* DTLS */
	&xio_openssl_dtls_client,
	&xio_openssl_dtls_server,
	/* SOCKS4/4A/5 clients */
	&xio_socks4,
	&xio_socks4a,
	&xio_socks5_connect,
	&xio_socks5_listen,
	/* HTTP CONNECT proxy client */
	&xio_proxy_connect,
	/* SOCKS and HTTP proxy servers */
	&xio_socks_server,
	&xio_http_proxy_server,
	/* WebSocket client and server */
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
