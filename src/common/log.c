#include "common/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static char progname[64] = "duct";
static char envprefix[64] = "DUCT";
static struct log_config cfg = { .min_level = LOG_W, .target = LOGT_STDERR, .facility = LOG_DAEMON };
static int logfd = 2;
static enum log_level worst = LOG_D;
static bool any_logged;

void log_set_progname(const char *name)
{
	const char *slash = strrchr(name, '/');
	if (slash)
		name = slash + 1;
	snprintf(progname, sizeof progname, "%s", name);
	size_t i;
	for (i = 0; i < sizeof envprefix - 1 && progname[i]; i++) {
		char c = progname[i];
		envprefix[i] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : (c == '-' || c == '.') ? '_' : c;
	}
	envprefix[i] = 0;
}

const char *log_progname(void) { return progname; }
const char *log_env_prefix(void) { return envprefix; }
struct log_config *log_cfg(void) { return &cfg; }
bool log_enabled(enum log_level lvl) { return lvl >= cfg.min_level; }
enum log_level log_quiet_warn(void) { return cfg.level_given ? LOG_W : LOG_N; }
enum log_level log_signal_exit_level(int signo)
{
	switch (signo) {
	case SIGTERM: return log_quiet_warn();
	case SIGINT: case SIGHUP: return LOG_N;
	case SIGQUIT: case SIGILL: case SIGABRT: case SIGBUS: case SIGFPE: case SIGSEGV:
	case SIGSYS: case SIGTRAP: case SIGXCPU: case SIGXFSZ:
		return LOG_E;
	default: return LOG_N;
	}
}
enum log_level log_worst(void) { return any_logged ? worst : LOG_D; }

int log_open_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (fd < 0)
		return -1;
	if (logfd > 2)
		close(logfd);
	logfd = fd;
	cfg.target = LOGT_FILE;
	return 0;
}

static const struct { const char *name; int fac; } facilities[] = {
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV }, { "cron", LOG_CRON },
	{ "daemon", LOG_DAEMON }, { "ftp", LOG_FTP }, { "kern", LOG_KERN },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 }, { "lpr", LOG_LPR },
	{ "mail", LOG_MAIL }, { "news", LOG_NEWS }, { "security", LOG_AUTH },
	{ "syslog", LOG_SYSLOG }, { "user", LOG_USER }, { "uucp", LOG_UUCP },
};

int log_facility_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof facilities / sizeof facilities[0]; i++)
		if (!strcmp(name, facilities[i].name))
			return facilities[i].fac;
	return -1;
}

void log_use_syslog(int facility)
{
	cfg.facility = facility;
	cfg.target = LOGT_SYSLOG;
	openlog(progname, LOG_PID, facility);
}

void log_switch_mixed(void)
{
	if (cfg.target == LOGT_MIXED)
		openlog(progname, LOG_PID, cfg.facility);
	if (cfg.target == LOGT_MIXED)
		cfg.target = LOGT_SYSLOG;
}

static const char levelchar[] = "DINWEF";

void vlogmsg(enum log_level lvl, const char *fmt, va_list ap)
{
	if (lvl < LOG_F && cfg.children_shutup > 0) {
		int l = (int)lvl - cfg.children_shutup;
		lvl = l < 0 ? LOG_D : (enum log_level)l;
	}
	if (lvl > worst || !any_logged)
		worst = lvl > worst ? lvl : worst;
	any_logged = true;
	if (lvl < cfg.min_level)
		return;

	char text[512];
	int saved = errno;
	vsnprintf(text, sizeof text, fmt, ap);
	errno = saved;

	if (cfg.target == LOGT_SYSLOG) {
		static const int prio[] = { LOG_DEBUG, LOG_INFO, LOG_NOTICE, LOG_WARNING, LOG_ERR, LOG_CRIT };
		syslog(prio[lvl], "%c %s", levelchar[lvl], text);
		return;
	}

	char line[1024];
	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct tm tm;
	localtime_r(&tv.tv_sec, &tm);
	size_t n = strftime(line, sizeof line, "%Y/%m/%d %H:%M:%S", &tm);
	if (cfg.micros)
		n += (size_t)snprintf(line + n, sizeof line - n, ".%06ld", (long)tv.tv_usec);
	if (cfg.hostname) {
		const char *h = getenv("HOSTNAME");
		struct utsname u;
		if (!h || !*h) {
			uname(&u);
			h = u.nodename;
		}
		n += (size_t)snprintf(line + n, sizeof line - n, " %s", h);
	}
	n += (size_t)snprintf(line + n, sizeof line - n, " %s[%ld] %c %s\n", progname, (long)getpid(),
			      levelchar[lvl], text);
	if (n >= sizeof line) {
		n = sizeof line - 1;
		line[n - 1] = '\n';
	}
	ssize_t off = 0;
	while ((size_t)off < n) {
		ssize_t w = write(logfd, line + off, n - (size_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += w;
	}
	errno = saved;
}

void logmsg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlogmsg(lvl, fmt, ap);
	va_end(ap);
}

char *sockaddr_info(const struct sockaddr *sa, unsigned salen, char *buf, unsigned buflen)
{
	if (!sa || salen < sizeof(sa_family_t)) {
		snprintf(buf, buflen, "AF=? (null)");
		return buf;
	}
	switch (sa->sa_family) {
	case AF_INET: {
		const struct sockaddr_in *s = (const struct sockaddr_in *)sa;
		char a[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &s->sin_addr, a, sizeof a);
		snprintf(buf, buflen, "AF=2 %s:%u", a, ntohs(s->sin_port));
		break;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa;
		const unsigned char *b = s->sin6_addr.s6_addr;
		snprintf(buf, buflen, "AF=10 [%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x]:%u",
			 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
			 b[14], b[15], ntohs(s->sin6_port));
		break;
	}
	case AF_UNIX: {
		const struct sockaddr_un *s = (const struct sockaddr_un *)sa;
		size_t plen = salen > offsetof(struct sockaddr_un, sun_path) ? salen - offsetof(struct sockaddr_un, sun_path) : 0;
		if (plen == 0) {
			snprintf(buf, buflen, "AF=1 \"<anon>\"");
		} else if (s->sun_path[0] == 0) {
			snprintf(buf, buflen, "AF=1 \"\\0%.*s\"", (int)(plen - 1), s->sun_path + 1);
		} else {
			snprintf(buf, buflen, "AF=1 \"%.*s\"", (int)strnlen(s->sun_path, plen), s->sun_path);
		}
		break;
	}
	default:
		snprintf(buf, buflen, "AF=%d", sa->sa_family);
	}
	return buf;
}
