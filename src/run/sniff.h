/* -r/-R raw copy files. Their names may hold socat 1.8's expansions: $$ (pid), $PROGNAME,
 * $TIMESTAMP (YYYYMMDDThhmmss), $MICROS (microseconds of that time) and variables ($NAME or
 * ${NAME}), the session's own <PREFIX>_PEERADDR, ... first, then the process environment.
 * A name with a '$' is expanded and opened for each session (one file pair per connection
 * under fork); a plain name is opened once for the whole run. */
#ifndef DUCT_SNIFF_H
#define DUCT_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>

/* Does the name change from session to session (has it anything to expand)? */
bool sniff_name_varies(const char *name);
/* Expand name into out (cut at outlen - 1). envs: up to nenv NULL-terminated "NAME=value"
 * lists (an entry may be NULL), looked up before getenv(). */
void sniff_expand_name(const char *name, const struct timeval *now, char **const *envs, size_t nenv,
		       char *out, size_t outlen);
/* Expand and open for appending (0664, close-on-exec). flag ("-r"/"-R") names it in the
 * error line. Returns the fd, or -1 (logged). */
int sniff_open(const char *flag, const char *name, const struct timeval *now, char **const *envs, size_t nenv);

#endif
