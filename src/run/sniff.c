#include "run/sniff.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

bool sniff_name_varies(const char *name)
{
	return strchr(name, '$') != NULL;
}

static bool is_name_char(char c)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static const char *lookup(const char *name, char **const *envs, size_t nenv)
{
	size_t n = strlen(name);
	for (size_t k = 0; k < nenv; k++)
		for (char **e = envs[k]; e && *e; e++)
			if (!strncmp(*e, name, n) && (*e)[n] == '=')
				return *e + n + 1;
	return getenv(name);
}

void sniff_expand_name(const char *in, const struct timeval *now, char **const *envs, size_t nenv,
		       char *out, size_t outlen)
{
	size_t o = 0;
	while (*in && o + 1 < outlen) {
		if (in[0] != '$') {
			out[o++] = *in++;
			continue;
		}
		char name[128], val[160];
		const char *v = NULL;
		size_t n = 0;
		if (in[1] == '$') {
			snprintf(val, sizeof val, "%ld", (long)getpid());
			v = val;
			in += 2;
		} else {
			bool brace = in[1] == '{';
			const char *p = in + 1 + brace;
			while (is_name_char(*p) && n < sizeof name - 1)
				name[n++] = *p++;
			name[n] = 0;
			if (!n || (brace && *p != '}')) { /* nothing to expand: the '$' is literal */
				out[o++] = *in++;
				continue;
			}
			in = p + brace;
			if (!strcmp(name, "PROGNAME")) {
				v = log_progname();
			} else if (!strcmp(name, "TIMESTAMP")) {
				struct tm tm;
				localtime_r(&now->tv_sec, &tm);
				strftime(val, sizeof val, "%Y%m%dT%H%M%S", &tm);
				v = val;
			} else if (!strcmp(name, "MICROS")) {
				snprintf(val, sizeof val, "%06ld", (long)now->tv_usec);
				v = val;
			} else {
				v = lookup(name, envs, nenv);
			}
		}
		for (; v && *v && o + 1 < outlen; v++)
			out[o++] = *v;
	}
	out[o] = 0;
}

int sniff_open(const char *flag, const char *name, const struct timeval *now, char **const *envs, size_t nenv)
{
	char path[4096];
	sniff_expand_name(name, now, envs, nenv, path, sizeof path);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0664);
	if (fd < 0)
		ERR("option %s: open(\"%s\"): %s; check that the directory exists and is writable", flag, path,
		    strerror(errno));
	return fd;
}
