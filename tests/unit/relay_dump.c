/* -v/-x dump formatting and line terminator conversion, against output captured from socat
 * (socat -v/-x/-v -x -u STDIN STDOUT with printf input; timestamps normalized). */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "relay/dump.h"
#include "relay/session.h"
#include "relay/transform.h"
#include "tap.h"

static void mkpipe(int p[2])
{
	if (pipe(p) < 0)
		abort();
}

static const unsigned char input[] = "hello\tworld\r\nline2\001\\\a\b\v\f\177\200\377 end\n\n0123456789abcdefXYZ";
#define INPUT_LEN (sizeof input) /* includes the trailing NUL, as the socat capture did */

static const char want_v[] = "hello\tworld\\r\n"
			     "line2.\\\\\\a\\b\\v\\f... end\n"
			     "\n"
			     "0123456789abcdefXYZ.";

static const char want_x[] = " 68 65 6c 6c 6f 09 77 6f 72 6c 64 0d 0a 6c 69 6e 65 32 01 5c 07 08 0b 0c 7f 80 ff 20 65 6e 64 0a 0a 30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66 58 59 5a 00\n";

static const char want_vx[] = " 68 65 6c 6c 6f 09 77 6f 72 6c 64 0d 0a           hello.world..\n"
			      " 6c 69 6e 65 32 01 5c 07 08 0b 0c 7f 80 ff 20 65  line2.\\....... e\n"
			      " 6e 64 0a                                         nd.\n"
			      " 0a                                               .\n"
			      " 30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66  0123456789abcdef\n"
			      " 58 59 5a 00                                      XYZ.\n"
			      "--\n";

/* printf 0123456789ab | socat -b 5 -v -u STDIN STDOUT (and -v -x), timestamps -> TS */
static const char want_b5_v[] = "> TS  length=5 from=0 to=4\n"
				"01234> TS  length=5 from=5 to=9\n"
				"56789> TS  length=2 from=10 to=11\n"
				"ab";
static const char want_b5_vx[] = "> TS  length=5 from=0 to=4\n"
				 " 30 31 32 33 34                                   01234\n"
				 "--\n"
				 "> TS  length=5 from=5 to=9\n"
				 " 35 36 37 38 39                                   56789\n"
				 "--\n"
				 "> TS  length=2 from=10 to=11\n"
				 " 61 62                                            ab\n"
				 "--\n";

static char out[1 << 16];

static const char *body(size_t n)
{
	out[n] = 0;
	char *nl = strchr(out, '\n');
	return nl ? nl + 1 : out;
}

/* Replace "> 2026/11/21 06:19:38.000778993" style stamps with "> TS". */
static void normalize(char *s)
{
	static const char pat[] = "dddd/dd/dd dd:dd:dd.ddddddddd";
	char *r = s, *w = s;
	while (*r) {
		if ((r[0] == '>' || r[0] == '<') && r[1] == ' ') {
			size_t i = 0;
			for (; pat[i] && r[2 + i]; i++)
				if (pat[i] == 'd' ? (r[2 + i] < '0' || r[2 + i] > '9') : r[2 + i] != pat[i])
					break;
			if (!pat[i]) {
				*w++ = r[0];
				memcpy(w, " TS", 3);
				w += 3;
				r += 2 + sizeof pat - 1;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = 0;
}

static int g_done;
static void on_done(struct session *s, int status, void *arg)
{
	(void)s;
	(void)status;
	(void)arg;
	g_done = 1;
}

/* Run "0123456789ab" through the engine with -b 5 and the given dump flags; capture fd 2. */
static void engine_dump(bool text, bool hex, const char *want, const char *name)
{
	int p[2], q[2], e[2];
	mkpipe(p);
	mkpipe(q);
	mkpipe(e);
	fcntl(e[0], F_SETPIPE_SZ, 1 << 20);
	if (write(p[1], "0123456789ab", 12) != 12)
		abort();
	close(p[1]);
	int saved = dup(2);
	dup2(e[1], 2);
	close(e[1]);
	struct loop *lp = loop_new();
	struct relay_config cfg;
	relay_config_defaults(&cfg);
	cfg.dir = RELAY_LEFT_TO_RIGHT;
	cfg.bufsize = 5;
	cfg.bufsize_explicit = true;
	cfg.dump_text = text;
	cfg.dump_hex = hex;
	struct endpoint *a = endpoint_new(), *b = endpoint_new();
	a->rfd = p[0];
	a->flags = EPF_READ;
	b->wfd = q[1];
	b->flags = EPF_WRITE;
	g_done = 0;
	session_start(lp, &cfg, a, b, on_done, NULL);
	loop_run(lp);
	loop_free(lp);
	dup2(saved, 2);
	close(saved);
	char buf[4096];
	ssize_t n = read(e[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	normalize(buf);
	tap_ok(g_done && !strcmp(buf, want), "engine %s dump with -b 5 matches socat", name);
	if (strcmp(buf, want))
		tap_diag("got:\n%s", buf);
	char data[32];
	n = read(q[0], data, sizeof data);
	tap_ok(n == 12 && !memcmp(data, "0123456789ab", 12), "engine %s: data intact", name);
	close(e[0]);
	close(q[0]);
}

int main(void)
{
	alarm(30);
	setenv("TZ", "UTC", 1);
	tzset();
	log_cfg()->min_level = LOG_F;
	struct timeval tv = { .tv_sec = 1795238672, .tv_usec = 874591 };

	size_t n = dump_format(out, (const unsigned char *)"01234567890123456789", 20, false, 0, &tv, DUMP_TEXT);
	out[n] = 0;
	tap_ok(n < dump_bound(20), "within dump_bound");
	tap_is_str(strtok(out, "\n"), "> 2026/11/21 05:24:32.000874591  length=20 from=0 to=19", "header format");
	tv.tv_usec = 5;
	n = dump_format(out, (const unsigned char *)"x", 1, true, 1234, &tv, DUMP_HEX);
	out[n] = 0;
	tap_is_str(out, "< 2026/11/21 05:24:32.000000005  length=1 from=1234 to=1234\n 78\n", "right-to-left header and -x");

	n = dump_format(out, input, INPUT_LEN, false, 0, &tv, DUMP_TEXT);
	tap_is_str(body(n), want_v, "-v text body matches socat");
	n = dump_format(out, input, INPUT_LEN, false, 0, &tv, DUMP_HEX);
	tap_is_str(body(n), want_x, "-x hex body matches socat");
	n = dump_format(out, input, INPUT_LEN, false, 0, &tv, DUMP_TEXT | DUMP_HEX);
	tap_is_str(body(n), want_vx, "-v -x body matches socat");
	tap_ok(n <= dump_bound(INPUT_LEN), "-v -x within bound");

	/* worst cases stay within the bound */
	unsigned char nl[300];
	memset(nl, '\n', sizeof nl);
	n = dump_format(out, nl, sizeof nl, false, 0, &tv, DUMP_TEXT | DUMP_HEX);
	tap_ok(n <= dump_bound(sizeof nl), "all-newline -v -x within bound (%zu <= %zu)", n, dump_bound(sizeof nl));
	memset(nl, '\r', sizeof nl);
	n = dump_format(out, nl, sizeof nl, false, 0, &tv, DUMP_TEXT);
	tap_ok(n <= dump_bound(sizeof nl), "all-escape -v within bound");

	/* line terminators: every pair, against socat -u STDIN<lt1> STDOUT<lt2> */
	static const struct {
		enum ep_lineterm from, to;
		const char *want;
		size_t len;
	} lt[] = {
		{ EP_LT_RAW, EP_LT_RAW, "a\nb\rc\r\nd", 9 },
		{ EP_LT_RAW, EP_LT_CR, "a\rb\rc\r\rd", 9 },
		{ EP_LT_RAW, EP_LT_CRNL, "a\r\nb\rc\r\r\nd", 11 },
		{ EP_LT_CR, EP_LT_RAW, "a\nb\nc\n\nd", 9 },
		{ EP_LT_CR, EP_LT_CR, "a\nb\rc\r\nd", 9 },
		{ EP_LT_CR, EP_LT_CRNL, "a\nb\r\nc\r\n\nd", 11 },
		{ EP_LT_CRNL, EP_LT_RAW, "a\nbc\nd", 7 },
		{ EP_LT_CRNL, EP_LT_CR, "a\rbc\rd", 7 },
		{ EP_LT_CRNL, EP_LT_CRNL, "a\nb\rc\r\nd", 9 },
	};
	static const char *ltname[] = { "raw", "cr", "crnl" };
	for (size_t i = 0; i < sizeof lt / sizeof lt[0]; i++) {
		unsigned char b[32];
		memcpy(b, "a\nb\rc\r\nd", 9);
		size_t m = xform_lineterm(b, 9, lt[i].from, lt[i].to);
		tap_ok(m == lt[i].len && !memcmp(b, lt[i].want, m), "lineterm %s -> %s as socat", ltname[lt[i].from],
		       ltname[lt[i].to]);
	}
	unsigned char big[64];
	memset(big, '\n', 32);
	size_t m = xform_lineterm(big, 32, EP_LT_RAW, EP_LT_CRNL);
	int okc = m == 64;
	for (size_t i = 0; i < 64; i++)
		okc &= big[i] == (i % 2 ? '\n' : '\r');
	tap_ok(okc, "raw -> crnl doubles an all-LF block in place");

	engine_dump(true, false, want_b5_v, "-v");
	engine_dump(true, true, want_b5_vx, "-v -x");
	return tap_done();
}
