#include "relay/endpoint.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

struct endpoint *endpoint_new(void)
{
	struct endpoint *ep = calloc(1, sizeof *ep);
	if (!ep)
		return NULL;
	ep->rfd = ep->wfd = -1;
	ep->escape = -1;
	ep->shut = EP_SHUT_DEFAULT;
	ep->lineterm = EP_LT_RAW;
	return ep;
}

static void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static int strv_add(char ***vp, char *s)
{
	size_t n = 0;
	if (*vp)
		while ((*vp)[n])
			n++;
	char **v = realloc(*vp, (n + 2) * sizeof *v);
	if (!v)
		return -1;
	v[n] = s;
	v[n + 1] = NULL;
	*vp = v;
	return 0;
}

void endpoint_close(struct endpoint *ep)
{
	if (!ep)
		return;
	if (ep->ops && ep->ops->close) {
		ep->ops->close(ep);
	} else {
		if (ep->rfd >= 0)
			close(ep->rfd);
		if (ep->wfd >= 0 && ep->wfd != ep->rfd)
			close(ep->wfd);
	}
	ep->rfd = ep->wfd = -1;
	if (ep->child > 0 && !(ep->flags & EPF_END_CLOSE)) {
		if (log_enabled(LOG_I))
			logmsg(LOG_I, "sending SIGTERM to child process %ld", (long)ep->child);
		kill(ep->child, SIGTERM);
	}
	ep->child = 0;
	if (ep->unlink_at_close) {
		for (char **p = ep->unlink_at_close; *p; p++) {
			if (unlink(*p) < 0 && errno != ENOENT)
				logmsg(LOG_W, "unlink(\"%s\"): %s", *p, strerror(errno));
			else if (log_enabled(LOG_I))
				logmsg(LOG_I, "unlink(\"%s\")", *p);
		}
	}
	strv_free(ep->unlink_at_close);
	strv_free(ep->env);
	free(ep);
}

void endpoint_setenv(struct endpoint *ep, const char *name, const char *value)
{
	const char *pre = log_env_prefix();
	size_t plen = strlen(pre), nlen = strlen(name);
	/* Replace an existing entry of the same name. */
	char *s = NULL;
	if (asprintf(&s, "%s_%s=%s", pre, name, value ? value : "") < 0)
		return;
	if (ep->env) {
		for (char **p = ep->env; *p; p++) {
			if (!strncmp(*p, s, plen + 1 + nlen + 1)) {
				free(*p);
				*p = s;
				return;
			}
		}
	}
	if (strv_add(&ep->env, s) < 0)
		free(s);
}

void endpoint_add_unlink(struct endpoint *ep, const char *path)
{
	char *s = strdup(path);
	if (s && strv_add(&ep->unlink_at_close, s) < 0)
		free(s);
}
