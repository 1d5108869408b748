/* The TLS and proxy address handlers (issue 5), for the table in handlers.c:
 *     #include "xio/tls_handlers.h"  ...  XIO_TLS_HANDLERS,  (inside the list) */
#ifndef DUCT_XIO_TLS_HANDLERS_H
#define DUCT_XIO_TLS_HANDLERS_H

#include "xio/xio.h"

extern const struct xio_handler xio_openssl_connect;
extern const struct xio_handler xio_openssl_listen;
extern const struct xio_handler xio_openssl_dtls_client;
extern const struct xio_handler xio_openssl_dtls_server;
extern const struct xio_handler xio_socks4;
extern const struct xio_handler xio_socks4a;
extern const struct xio_handler xio_socks5_connect;
extern const struct xio_handler xio_socks5_listen;
extern const struct xio_handler xio_proxy_connect;
extern const struct xio_handler xio_socks_server;
extern const struct xio_handler xio_http_proxy_server;

#define XIO_TLS_HANDLERS                                                                              \
	&xio_openssl_connect, &xio_openssl_listen, &xio_openssl_dtls_client, &xio_openssl_dtls_server, \
	&xio_socks4, &xio_socks4a, &xio_socks5_connect, &xio_socks5_listen, &xio_proxy_connect, &xio_socks_server, &xio_http_proxy_server

#endif
