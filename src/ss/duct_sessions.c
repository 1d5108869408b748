/* ss --duct=PATH: the sessions of a running duct relay (--control=PATH), asked over its
 * control socket and printed as a table (session number, age, idle time, bytes each way,
 * local and peer address), or passed on as JSON with -j. ss shares nothing with the relay:
 * it reads the answer's JSON itself, the few flat fields it shows. */
#include "ss/ss_int.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define DUCT_ANSWER_MAX (16u << 20)
#define DUCT_TIMEOUT_MS 10000

/* Ask path for "sessions"; returns the answer (malloc'd, NUL-terminated) or NULL (printed). */
static char *ask_sessions(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sun.sun_path) {
		fprintf(stderr, "ss: --duct: the socket path is longer than %zu bytes\n", sizeof sun.sun_path - 1);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0 ||
	    send(fd, "sessions\n", 9, MSG_NOSIGNAL) != 9) {
		fprintf(stderr, "ss: --duct: cannot ask \"%s\": %s; is a duct relay running with --control=%s?\n", path,
			strerror(errno), path);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	shutdown(fd, SHUT_WR);
	size_t len = 0, cap = 65536;
	char *b = malloc(cap);
	while (b) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, DUCT_TIMEOUT_MS) <= 0) {
			fprintf(stderr, "ss: --duct: no answer from \"%s\" within %d s\n", path, DUCT_TIMEOUT_MS / 1000);
			break;
		}
		if (len + 1 == cap) {
			char *nb = cap < DUCT_ANSWER_MAX ? realloc(b, cap * 2) : NULL;
			if (!nb) {
				fprintf(stderr, "ss: --duct: the answer is larger than %u bytes\n", DUCT_ANSWER_MAX);
				break;
			}
			b = nb;
			cap *= 2;
		}
		ssize_t n = read(fd, b + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			b[len] = 0;
			return b;
		}
		len += (size_t)n;
	}
	close(fd);
	free(b);
	return NULL;
}

/* The value of "key": in the object text [o, end): a string (unescaped simply) or a number,
 * as text into out; "" when absent. */
static void field(const char *o, const char *end, const char *key, char *out, size_t outlen)
{
	char pat[40];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	out[0] = 0;
	size_t pl = strlen(pat);
	for (const char *p = o; p + pl <= end; p++) {
		if (memcmp(p, pat, pl))
			continue;
		p += pl;
		size_t n = 0;
		if (*p == '"') {
			for (p++; p < end && *p != '"' && n + 1 < outlen; p++) {
				if (*p == '\\' && p + 1 < end)
					p++;
				out[n++] = *p;
			}
		} else {
			while (p < end && *p != ',' && *p != '}' && n + 1 < outlen)
				out[n++] = *p++;
		}
		out[n] = 0;
		return;
	}
}

/* The end of the object starting at o ('{'): its matching '}', strings skipped. */
static const char *object_end(const char *o)
{
	int depth = 0;
	bool str = false;
	for (const char *p = o; *p; p++) {
		if (str) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				str = false;
		} else if (*p == '"') {
			str = true;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			if (--depth == 0)
				return p;
		}
	}
	return NULL;
}

int ss_duct_sessions(const char *path, const struct ss_opts *o)
{
	char *ans = ask_sessions(path);
	if (!ans)
		return 1;
	if (strncmp(ans, "[", 1)) {
		fprintf(stderr, "ss: --duct: the relay answered: %s", ans);
		free(ans);
		return 1;
	}
	if (o->json) {
		fputs(ans, stdout);
		free(ans);
		return 0;
	}
	if (o->show_header)
		printf("%-8s %9s %9s %12s %12s %-28s %s\n", "Session", "Age", "Idle", "Bytes-In", "Bytes-Out",
		       "Local Address:Port", "Peer Address:Port");
	const char *p = ans + 1;
	while ((p = strchr(p, '{'))) {
		const char *end = object_end(p);
		if (!end)
			break;
		char id[24], age[24], idle[24], in[24], out[24], local[130], peer[130];
		field(p, end, "session", id, sizeof id);
		field(p, end, "age_s", age, sizeof age);
		field(p, end, "idle_s", idle, sizeof idle);
		field(p, end, "left_to_right", in, sizeof in);
		field(p, end, "right_to_left", out, sizeof out);
		field(p, end, "local", local, sizeof local);
		field(p, end, "peer", peer, sizeof peer);
		printf("%-8s %8ss %8ss %12s %12s %-28s %s\n", id, age, idle, in, out, *local ? local : "*",
		       *peer ? peer : "*");
		p = end + 1;
	}
	free(ans);
	return 0;
}
