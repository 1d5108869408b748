/* The network address handlers (issue 3), for the table in handlers.c:
 *     #include "xio/net_handlers.h"  ...  XIO_NET_HANDLERS,  (inside the list) */
#ifndef DUCT_XIO_NET_HANDLERS_H
#define DUCT_XIO_NET_HANDLERS_H

#include "xio/xio.h"

extern const struct xio_handler xio_tcp_connect;
extern const struct xio_handler xio_tcp4_connect;
extern const struct xio_handler xio_tcp6_connect;
extern const struct xio_handler xio_tcp_listen;
extern const struct xio_handler xio_tcp4_listen;
extern const struct xio_handler xio_tcp6_listen;
extern const struct xio_handler xio_unix_connect;
extern const struct xio_handler xio_unix_listen;
extern const struct xio_handler xio_unix_sendto;
extern const struct xio_handler xio_unix_recvfrom;
extern const struct xio_handler xio_unix_recv;
extern const struct xio_handler xio_unix_client;
extern const struct xio_handler xio_abstract_connect;
extern const struct xio_handler xio_abstract_listen;
extern const struct xio_handler xio_abstract_sendto;
extern const struct xio_handler xio_abstract_recvfrom;
extern const struct xio_handler xio_abstract_recv;
extern const struct xio_handler xio_abstract_client;
extern const struct xio_handler xio_ip_sendto;
extern const struct xio_handler xio_ip4_sendto;
extern const struct xio_handler xio_ip6_sendto;
extern const struct xio_handler xio_ip_datagram;
extern const struct xio_handler xio_ip4_datagram;
extern const struct xio_handler xio_ip6_datagram;
extern const struct xio_handler xio_ip_recvfrom;
extern const struct xio_handler xio_ip4_recvfrom;
extern const struct xio_handler xio_ip6_recvfrom;
extern const struct xio_handler xio_ip_recv;
extern const struct xio_handler xio_ip4_recv;
extern const struct xio_handler xio_ip6_recv;
extern const struct xio_handler xio_socket_connect;
extern const struct xio_handler xio_socket_listen;
extern const struct xio_handler xio_socket_sendto;
extern const struct xio_handler xio_socket_datagram;
extern const struct xio_handler xio_socket_recvfrom;
extern const struct xio_handler xio_socket_recv;
extern const struct xio_handler xio_accept_fd;
extern const struct xio_handler xio_vsock_connect;
extern const struct xio_handler xio_vsock_listen;
extern const struct xio_handler xio_sctp_connect;
extern const struct xio_handler xio_sctp4_connect;
extern const struct xio_handler xio_sctp6_connect;
extern const struct xio_handler xio_sctp_listen;
extern const struct xio_handler xio_sctp4_listen;
extern const struct xio_handler xio_sctp6_listen;
extern const struct xio_handler xio_dccp_connect;
extern const struct xio_handler xio_dccp4_connect;
extern const struct xio_handler xio_dccp6_connect;
extern const struct xio_handler xio_dccp_listen;
extern const struct xio_handler xio_dccp4_listen;
extern const struct xio_handler xio_dccp6_listen;
extern const struct xio_handler xio_interface;
extern const struct xio_handler xio_tun;
extern const struct xio_handler xio_udp_connect;
extern const struct xio_handler xio_udp_listen;
extern const struct xio_handler xio_udp_sendto;
extern const struct xio_handler xio_udp_recvfrom;
extern const struct xio_handler xio_udp_recv;
extern const struct xio_handler xio_udp_datagram;
extern const struct xio_handler xio_udp4_connect;
extern const struct xio_handler xio_udp4_listen;
extern const struct xio_handler xio_udp4_sendto;
extern const struct xio_handler xio_udp4_recvfrom;
extern const struct xio_handler xio_udp4_recv;
extern const struct xio_handler xio_udp4_datagram;
extern const struct xio_handler xio_udp6_connect;
extern const struct xio_handler xio_udp6_listen;
extern const struct xio_handler xio_udp6_sendto;
extern const struct xio_handler xio_udp6_recvfrom;
extern const struct xio_handler xio_udp6_recv;
extern const struct xio_handler xio_udp6_datagram;
extern const struct xio_handler xio_udplite_connect;
extern const struct xio_handler xio_udplite_listen;
extern const struct xio_handler xio_udplite_sendto;
extern const struct xio_handler xio_udplite_recvfrom;
extern const struct xio_handler xio_udplite_recv;
extern const struct xio_handler xio_udplite_datagram;
extern const struct xio_handler xio_udplite4_connect;
extern const struct xio_handler xio_udplite4_listen;
extern const struct xio_handler xio_udplite4_sendto;
extern const struct xio_handler xio_udplite4_recvfrom;
extern const struct xio_handler xio_udplite4_recv;
extern const struct xio_handler xio_udplite4_datagram;
extern const struct xio_handler xio_udplite6_connect;
extern const struct xio_handler xio_udplite6_listen;
extern const struct xio_handler xio_udplite6_sendto;
extern const struct xio_handler xio_udplite6_recvfrom;
extern const struct xio_handler xio_udplite6_recv;
extern const struct xio_handler xio_udplite6_datagram;

#define XIO_NET_HANDLERS \
	&xio_tcp_connect, \
	&xio_tcp4_connect, \
	&xio_tcp6_connect, \
	&xio_tcp_listen, \
	&xio_tcp4_listen, \
	&xio_tcp6_listen, \
	&xio_unix_connect, \
	&xio_unix_listen, \
	&xio_unix_sendto, \
	&xio_unix_recvfrom, \
	&xio_unix_recv, \
	&xio_unix_client, \
	&xio_abstract_connect, \
	&xio_abstract_listen, \
	&xio_abstract_sendto, \
	&xio_abstract_recvfrom, \
	&xio_abstract_recv, \
	&xio_abstract_client, \
	&xio_ip_sendto, \
	&xio_ip4_sendto, \
	&xio_ip6_sendto, \
	&xio_ip_datagram, \
	&xio_ip4_datagram, \
	&xio_ip6_datagram, \
	&xio_ip_recvfrom, \
	&xio_ip4_recvfrom, \
	&xio_ip6_recvfrom, \
	&xio_ip_recv, \
	&xio_ip4_recv, \
	&xio_ip6_recv, \
	&xio_socket_connect, \
	&xio_socket_listen, \
	&xio_socket_sendto, \
	&xio_socket_datagram, \
	&xio_socket_recvfrom, \
	&xio_socket_recv, \
	&xio_accept_fd, \
	&xio_vsock_connect, \
	&xio_vsock_listen, \
	&xio_sctp_connect, \
	&xio_sctp4_connect, \
	&xio_sctp6_connect, \
	&xio_sctp_listen, \
	&xio_sctp4_listen, \
	&xio_sctp6_listen, \
	&xio_dccp_connect, \
	&xio_dccp4_connect, \
	&xio_dccp6_connect, \
	&xio_dccp_listen, \
	&xio_dccp4_listen, \
	&xio_dccp6_listen, \
	&xio_interface, \
	&xio_tun, \
	&xio_udp_connect, \
	&xio_udp_listen, \
	&xio_udp_sendto, \
	&xio_udp_recvfrom, \
	&xio_udp_recv, \
	&xio_udp_datagram, \
	&xio_udp4_connect, \
	&xio_udp4_listen, \
	&xio_udp4_sendto, \
	&xio_udp4_recvfrom, \
	&xio_udp4_recv, \
	&xio_udp4_datagram, \
	&xio_udp6_connect, \
	&xio_udp6_listen, \
	&xio_udp6_sendto, \
	&xio_udp6_recvfrom, \
	&xio_udp6_recv, \
	&xio_udp6_datagram, \
	&xio_udplite_connect, \
	&xio_udplite_listen, \
	&xio_udplite_sendto, \
	&xio_udplite_recvfrom, \
	&xio_udplite_recv, \
	&xio_udplite_datagram, \
	&xio_udplite4_connect, \
	&xio_udplite4_listen, \
	&xio_udplite4_sendto, \
	&xio_udplite4_recvfrom, \
	&xio_udplite4_recv, \
	&xio_udplite4_datagram, \
	&xio_udplite6_connect, \
	&xio_udplite6_listen, \
	&xio_udplite6_sendto, \
	&xio_udplite6_recvfrom, \
	&xio_udplite6_recv, \
	&xio_udplite6_datagram

#endif
