/* nc's own texts. Written from observed output of nc.openbsd 1.219 and ncat 7.93. */
#include "nc/messages.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "common/log.h"
#include "common/version.h"

static void vline(const struct nc_opts *o, bool fatal, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (o && o->dialect == NC_NCAT)
		fprintf(stderr, "Ncat: %s%s\n", msg, fatal ? " QUITTING." : "");
	else if (fatal)
		fprintf(stderr, "%s: %s\n", log_progname(), msg);
	else
		fprintf(stderr, "%s\n", msg);
	fflush(stderr);
}

void nc_err(const struct nc_opts *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(o, true, fmt, ap);
	va_end(ap);
}

void nc_note(const struct nc_opts *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(o, false, fmt, ap);
	va_end(ap);
}

const char *nc_service_name(uint16_t port, const char *proto, bool numeric, char *buf, size_t len)
{
	struct servent *se = numeric ? NULL : getservbyport(htons(port), proto);
	snprintf(buf, len, "%s", se ? se->s_name : "*");
	return buf;
}

char *nc_numeric_host(const struct sockaddr *sa, socklen_t len, char *buf, size_t buflen)
{
	buf[0] = '\0';
	if (sa->sa_family == AF_UNIX) {
		const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
		size_t n = len > offsetof(struct sockaddr_un, sun_path) ? len - offsetof(struct sockaddr_un, sun_path) : 0;
		if (n > sizeof un->sun_path)
			n = sizeof un->sun_path;
		if (n && un->sun_path[0] == '\0') {
			snprintf(buf, buflen, "@%.*s", (int)(n - 1), un->sun_path + 1);
		} else {
			snprintf(buf, buflen, "%.*s", (int)strnlen(un->sun_path, n), un->sun_path);
		}
		return buf;
	}
	if (getnameinfo(sa, len, buf, (socklen_t)buflen, NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(buf, buflen, "?");
	return buf;
}

char *nc_host_label(const char *host, const struct sockaddr *sa, socklen_t len, char *buf, size_t buflen)
{
	char ip[INET6_ADDRSTRLEN + 8];
	nc_numeric_host(sa, len, ip, sizeof ip);
	if (host && strcmp(host, ip))
		snprintf(buf, buflen, "%s (%s)", host, ip);
	else
		snprintf(buf, buflen, "%s", ip);
	return buf;
}

char *nc_reverse_name(const struct sockaddr *sa, socklen_t len, bool numeric, char *buf, size_t buflen)
{
	if (numeric || getnameinfo(sa, len, buf, (socklen_t)buflen, NULL, 0, NI_NAMEREQD) != 0)
		nc_numeric_host(sa, len, buf, buflen);
	return buf;
}

int nc_fmt_succeeded(char *buf, size_t len, const char *label, uint16_t port, const char *proto, const char *svc)
{
	return snprintf(buf, len, "Connection to %s %u port [%s/%s] succeeded!", label, (unsigned)port, proto, svc);
}

int nc_fmt_connect_failed(char *buf, size_t len, const char *label, uint16_t port, const char *proto, int err)
{
	return snprintf(buf, len, "connect to %s port %u (%s) failed: %s", label, (unsigned)port, proto, strerror(err));
}

int nc_fmt_timed_out(char *buf, size_t len, const char *label, uint16_t port, const char *proto)
{
	return snprintf(buf, len, "connect to %s port %u (%s) timed out: %s", label, (unsigned)port, proto,
			strerror(EINPROGRESS));
}

void nc_ncat_version_line(const struct nc_opts *o)
{
	nc_note(o, "Version %s ( duct, ncat 7.93 compatible )", DUCT_VERSION);
}
