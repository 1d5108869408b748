/* Logging in socat's line format:
 *   YYYY/MM/DD HH:MM:SS[.uuuuuu] [host ]prog[pid] L message
 * L is one of D I N W E F. Shared by every face (relay, nc, ss). */
#ifndef DUCT_LOG_H
#define DUCT_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum log_level { LOG_D = 0, LOG_I = 1, LOG_N = 2, LOG_W = 3, LOG_E = 4, LOG_F = 5 };

enum log_target { LOGT_STDERR, LOGT_FILE, LOGT_SYSLOG, LOGT_MIXED };

struct log_config {
	enum log_level min_level;   /* messages below are dropped; default LOG_W (socat 1.8) */
	enum log_target target;
	int facility;               /* syslog facility for -ly/-lm */
	bool micros;                /* -lu */
	bool hostname;              /* -lh */
	int children_shutup;        /* lowers severity of session messages (children-shutup) */
	bool level_given;           /* -d/-dN on the command line: socat 1.7.4's default level is
	                             * E, so a warning socat shows only under -d stays quiet
	                             * without it (see log_quiet_warn) */
};

/* Program name used in log lines and as prefix of exported env vars (DUCT_PID...). */
void log_set_progname(const char *name);
const char *log_progname(void);
/* Upper-cased program name for environment variable prefixes ("DUCT", "SOCAT"). */
const char *log_env_prefix(void);

struct log_config *log_cfg(void);
int log_open_file(const char *path);      /* -lf; returns -1 and sets errno on failure */
void log_use_syslog(int facility);        /* -ly */
void log_switch_mixed(void);              /* -lm: called when the transfer loop starts */
int log_facility_by_name(const char *name); /* -1 if unknown */

void logmsg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vlogmsg(enum log_level lvl, const char *fmt, va_list ap);
bool log_enabled(enum log_level lvl);

/* The level for a warning that socat 1.7.4 shows only when asked to (-d): LOG_W when a
 * -d/-dN was given, LOG_N (below the default threshold) otherwise. */
enum log_level log_quiet_warn(void);

/* socat's level for "exiting on signal N": TERM a warning shown from -d on (log_quiet_warn),
 * INT and HUP a notice, QUIT and the fault signals (ILL ABRT BUS FPE SEGV SYS...) an error. */
enum log_level log_signal_exit_level(int signo);

/* Highest level logged so far (for exit status decisions). */
enum log_level log_worst(void);

#define DBG(...)  logmsg(LOG_D, __VA_ARGS__)
#define INFO(...) logmsg(LOG_I, __VA_ARGS__)
#define NOTE(...) logmsg(LOG_N, __VA_ARGS__)
#define WARN(...) logmsg(LOG_W, __VA_ARGS__)
#define ERR(...)  logmsg(LOG_E, __VA_ARGS__)
#define FATAL(...) logmsg(LOG_F, __VA_ARGS__)

/* Render a socket address the way socat does: "AF=2 127.0.0.1:80",
 * "AF=10 [0000:...:0001]:80" (uncompressed), "AF=1 \"/path\"". */
struct sockaddr;
char *sockaddr_info(const struct sockaddr *sa, unsigned salen, char *buf, unsigned buflen);

#endif
