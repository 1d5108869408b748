/* nc's own texts, byte for byte: OpenBSD nc's (Debian 1.219) and ncat's. Every line goes to
 * stderr, as the originals do. */
#ifndef DUCT_NC_MESSAGES_H
#define DUCT_NC_MESSAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "nc/args.h"

/* "nc: <text>\n" (OpenBSD) or "Ncat: <text> QUITTING.\n" (ncat, fatal) on stderr. */
void nc_err(const struct nc_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A plain line on stderr: "<text>\n" (OpenBSD) or "Ncat: <text>\n" (ncat). */
void nc_note(const struct nc_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The service name for "[tcp/http-alt]": getservbyport's name, or "*" (also with -n). */
const char *nc_service_name(uint16_t port, const char *proto, bool numeric, char *buf, size_t len);

/* Numeric text of an IP address ("127.0.0.1", "::1") or the path of a UNIX one. */
char *nc_numeric_host(const struct sockaddr *sa, socklen_t len, char *buf, size_t buflen);

/* How OpenBSD names the peer in "Connection to X ..." and "connect to X port": the host as
 * typed, followed by " (ip)" when it isn't that IP's numeric form. */
char *nc_host_label(const char *host, const struct sockaddr *sa, socklen_t len, char *buf, size_t buflen);

/* "localhost" for 127.0.0.1 unless numeric (getnameinfo), as in "Listening on localhost 9001"
 * and "Connection received on localhost 40472". */
char *nc_reverse_name(const struct sockaddr *sa, socklen_t len, bool numeric, char *buf, size_t buflen);

/* Formatted lines (no newline), for tests. */
int nc_fmt_succeeded(char *buf, size_t len, const char *label, uint16_t port, const char *proto, const char *svc);
int nc_fmt_connect_failed(char *buf, size_t len, const char *label, uint16_t port, const char *proto, int err);
int nc_fmt_timed_out(char *buf, size_t len, const char *label, uint16_t port, const char *proto);



/* ncat's first -v line. duct does not claim to be ncat 7.93: "Ncat: Version duct-X (ncat
 * compatible mode)". */
void nc_ncat_version_line(const struct nc_opts *o);

/* The OpenBSD usage text (3 spaces/tab layout as nc.openbsd prints it), and duct's own help
 * for nc -h and ncat -h. */
extern const char nc_usage_text[];
extern const char nc_help_text[];
extern const char nc_ncat_help_text[];
#endif
