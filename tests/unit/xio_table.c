/* The address-family layer: the handler table is well formed, keyword lookup and suggestions,
 * resolve errors as one-line messages, and real opens of every core family (STDIO/FD, OPEN,
 * CREATE, GOPEN, PIPE, SOCKETPAIR, EXEC, SYSTEM, SHELL) with their options applied, and of the
 * POSIX message queue addresses. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "loop/loop.h"
#include "xio/xio.h"
#include "tap.h"

static char tmpdir[256];
static char logpath[300];
static struct loop *lp;
static struct xio_globals xg = { .ipv = 4 };

/* ---- helpers ---- */

static int resolve(const char *text, struct addr_spec **specp, struct xio_bi *bi, char *err, size_t errlen)
{
	struct addr_error aerr;
	*specp = addr_parse(text, &aerr);
	if (!*specp) {
		snprintf(err, errlen, "parse: %s", aerr.msg);
		return -1;
	}
	return xio_resolve(*specp, &xg, bi, err, errlen);
}

static const char *resolve_err(const char *text)
{
	static char err[600];
	struct addr_spec *spec = NULL;
	struct xio_bi bi;
	err[0] = 0;
	if (resolve(text, &spec, &bi, err, sizeof err) == 0) {
		xio_bi_free(&bi);
		snprintf(err, sizeof err, "(resolved)");
	}
	if (spec)
		addr_spec_free(spec);
	return err;
}

struct opened {
	struct addr_spec *spec;
	struct xio_bi bi;
	struct xio_open op;
	struct endpoint *ep;
	int status;
	int delivered;
	int rc;
};

static void on_deliver(struct xio_open *op, struct endpoint *ep, int status)
{
	struct opened *o = op->arg;
	o->ep = ep;
	o->status = status;
	o->delivered++;
}

/* Resolve and open text; returns the endpoint (NULL on failure). */
static struct endpoint *open_addr(struct opened *o, const char *text, unsigned dir)
{
	char err[600];
	memset(o, 0, sizeof *o);
	if (resolve(text, &o->spec, &o->bi, err, sizeof err) < 0) {
		tap_diag("resolve %s: %s", text, err);
		return NULL;
	}
	o->rc = xio_open_start(&o->op, &o->bi.half[0], dir, 1, lp, &xg, NULL, on_deliver, o);
	return o->rc == 0 ? o->ep : NULL;
}

static void done_addr(struct opened *o)
{
	if (o->ep)
		endpoint_close(o->ep);
	o->ep = NULL;
	if (o->op.h)
		xio_open_stop(&o->op);
	xio_bi_free(&o->bi);
	if (o->spec)
		addr_spec_free(o->spec);
	o->spec = NULL;
}

static void path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

static char *slurp(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY);
	buf[0] = 0;
	if (fd < 0)
		return NULL;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return buf;
}

static void spit(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror("write");
		close(fd);
	}
}

/* Read up to len-1 bytes from fd within ms milliseconds (fd may be nonblocking). */
static ssize_t read_wait(int fd, char *buf, size_t len, int ms, const char *until)
{
	size_t got = 0;
	buf[0] = 0;
	while (got < len - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, ms);
		if (r <= 0)
			break;
		ssize_t n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = 0;
		if (until && strstr(buf, until))
			break;
	}
	return (ssize_t)got;
}

static bool log_has(const char *needle)
{
	char *s = slurp(logpath);
	return s && strstr(s, needle);
}

static void log_clear(void)
{
	if (truncate(logpath, 0) < 0)
		perror("truncate");
}

/* ---- the table ---- */

static int count_char(const char *s, char c)
{
	int n = 0;
	for (; s && *s; s++)
		n += *s == c;
	return n;
}

static void test_table(void)
{
	const struct xio_handler *const *t = xio_handlers();
	size_t n = 0, names = 0;
	int bad_name = 0, bad_groups = 0, bad_usage = 0, bad_dirs = 0, bad_open = 0, dups = 0;
	for (; t[n]; n++) {
		const struct xio_handler *h = t[n];
		for (const char *p = h->name; p && *p; p++)
			if (islower((unsigned char)*p))
				bad_name++;
		if (!h->name || !*h->name)
			bad_name++;
		if (!h->groups)
			bad_groups++;
		if (!h->dirs || (h->dirs & ~XIO_RDWR))
			bad_dirs++;
		if (!h->open)
			bad_open++;
		/* every parameter is introduced by a ':' in the usage text */
		if (!h->usage || count_char(h->usage, ':') != h->max_params || h->min_params > h->max_params ||
		    h->min_params < 0) {
			bad_usage++;
			tap_diag("usage of %s: \"%s\" for %d..%d parameters", h->name, h->usage ? h->usage : "(null)",
				 h->min_params, h->max_params);
		}
	}
	/* names and aliases unique (case-insensitive) across the table */
	for (size_t i = 0; i < n; i++) {
		const char *mine[32];
		size_t m = 0;
		mine[m++] = t[i]->name;
		for (const char *const *a = t[i]->aliases; a && *a && m < 32; a++)
			mine[m++] = *a;
		names += m;
		for (size_t k = 0; k < m; k++) {
			if (xio_find(mine[k]) != t[i]) {
				dups++;
				tap_diag("\"%s\" of %s resolves to %s", mine[k], t[i]->name,
					 xio_find(mine[k]) ? xio_find(mine[k])->name : "nothing");
			}
		}
	}
	tap_ok(n >= 100, "the table lists every family (%zu handlers, %zu names)", n, names);
	tap_is_int(bad_name, 0, "canonical names are upper case and non-empty");
	tap_is_int(bad_groups, 0, "every handler declares its option groups");
	tap_is_int(bad_dirs, 0, "every handler declares its directions");
	tap_is_int(bad_open, 0, "every handler has an open function");
	tap_is_int(bad_usage, 0, "usage texts agree with the parameter counts");
	tap_is_int(dups, 0, "names and aliases are unique: each finds its own handler");

	static const char *const core[] = { "STDIO", "STDIN", "STDOUT", "STDERR", "FD", "OPEN", "CREATE", "GOPEN",
					    "PIPE", "SOCKETPAIR", "EXEC", "SYSTEM", "SHELL" };
	int missing = 0;
	for (size_t i = 0; i < sizeof core / sizeof core[0]; i++)
		if (!xio_find(core[i]) || strcmp(xio_find(core[i])->name, core[i]))
			missing++;
	tap_is_int(missing, 0, "every core keyword is in the table");

	/* groups exactly as socat's */
	const uint64_t anyfd = GRP_ANYFD;
	tap_ok(xio_find("STDIO")->groups == anyfd && xio_find("FD")->groups == anyfd, "STDIO and FD: inherited-fd groups");
	tap_ok(xio_find("OPEN")->groups == (G(FD) | G(FIFO) | G(CHR) | G(BLK) | G(REG) | G(NAMED) | G(OPEN) | G(TERMIOS)),
	       "OPEN groups FD,FIFO,CHR,BLK,REG,NAMED,OPEN,TERMIOS");
	tap_ok(xio_find("CREATE")->groups == (G(FD) | G(REG) | G(NAMED)), "CREATE groups FD,REG,NAMED");
	tap_ok(xio_find("PIPE")->groups == (G(FD) | G(FIFO) | G(NAMED) | G(OPEN)), "PIPE groups FD,FIFO,NAMED,OPEN");
	tap_ok(xio_find("SOCKETPAIR")->groups == (G(FD) | G(SOCKET)), "SOCKETPAIR groups FD,SOCKET");
	tap_ok((xio_find("SHELL")->groups & ~G(SHELL)) == xio_find("EXEC")->groups && xio_find("EXEC")->groups == xio_find("SYSTEM")->groups,
	       "EXEC = SYSTEM groups; SHELL adds SHELL");
	tap_ok(xio_find("STDIN")->dirs == XIO_RDONLY && xio_find("STDOUT")->dirs == XIO_WRONLY &&
	       xio_find("STDERR")->dirs == XIO_WRONLY && xio_find("CREATE")->dirs == XIO_WRONLY,
	       "one-way addresses declare their direction");
}

static void test_find(void)
{
	tap_ok(xio_find("tcp-listen") && !strcmp(xio_find("tcp-listen")->name, "TCP-LISTEN"), "find: case-insensitive name");
	tap_ok(xio_find("Tcp-L") == xio_find("TCP-LISTEN"), "find: case-insensitive alias");
	tap_ok(xio_find("-") == xio_find("STDIO"), "find: - is STDIO");
	tap_ok(xio_find("file") == xio_find("OPEN"), "find: FILE is OPEN");
	tap_ok(xio_find("creat") == xio_find("CREATE"), "find: CREAT is CREATE");
	tap_ok(xio_find("fifo") == xio_find("PIPE") && xio_find("ECHO") == xio_find("PIPE"), "find: FIFO and ECHO are PIPE");
	tap_ok(xio_find("nosuch") == NULL && xio_find("") == NULL, "find: unknown keyword gives NULL");
	tap_ok(xio_suggest("TCP-LISTN") == xio_find("TCP-LISTEN"), "suggest: TCP-LISTN -> TCP-LISTEN");
	tap_ok(xio_suggest("EXEK") == xio_find("EXEC"), "suggest: EXEK -> EXEC");
	tap_ok(xio_suggest("sytem") == xio_find("SYSTEM"), "suggest: sytem -> SYSTEM");
	tap_ok(xio_suggest("FOO") == NULL, "suggest: nothing close to FOO");
	tap_ok(xio_suggest("zzzzzzzzzzzz") == NULL, "suggest: nothing close to a long random word");
}

static void test_resolve_errors(void)
{
	tap_is_str(resolve_err("TCP-LISTN:5"), "unknown device/address \"TCP-LISTN\"; did you mean TCP-LISTEN?",
		   "unknown address: socat's phrase plus a suggestion");
	tap_is_str(resolve_err("FOO"), "unknown device/address \"FOO\"", "unknown address without a close name");
	tap_is_str(resolve_err("10"), "unknown device/address \"10\"", "two digits are no FD shorthand");
	tap_is_str(resolve_err("TCP4:host"), "TCP4: wrong number of parameters (1 instead of 2): usage: TCP4:<host>:<port>",
		   "wrong parameter count: usage line");
	tap_is_str(resolve_err("tcp4:a:b:c"), "tcp4: wrong number of parameters (3 instead of 2): usage: tcp4:<host>:<port>",
		   "keyword echoed as typed");
	tap_is_str(resolve_err("OPEN"), "OPEN: wrong number of parameters (0 instead of 1): usage: OPEN:<filename>",
		   "OPEN without a file name");
	tap_is_str(resolve_err("EXEC"), "EXEC: wrong number of parameters (0 instead of 1): usage: EXEC:<command-line>",
		   "EXEC without a command");
	tap_is_str(resolve_err("PIPE:a:b"), "PIPE: wrong number of parameters (2 instead of 1): usage: PIPE:<filename>",
		   "PIPE with two parameters");
	tap_is_str(resolve_err("SOCKETPAIR:x"), "SOCKETPAIR: wrong number of parameters (1 instead of 0): usage: SOCKETPAIR",
		   "SOCKETPAIR takes no parameter");
	const char *e = resolve_err("PIPE,b9600");
	tap_ok(strstr(e, "b9600") != NULL && !strchr(e, '\n'), "option outside the groups: one line naming it (%s)", e);
	e = resolve_err("OPEN:/tmp/x,nosuchoption");
	tap_ok(strstr(e, "nosuchoption") != NULL && !strchr(e, '\n'), "unknown option: one line naming it (%s)", e);
	tap_is_str(resolve_err("OPEN:/tmp/x,creat,trunc,perm=0600"), "(resolved)", "OPEN with OPEN/NAMED/FD options resolves");
	tap_is_str(resolve_err("/tmp/x"), "(resolved)", "a path is GOPEN");
	tap_is_str(resolve_err("3"), "(resolved)", "a digit is FD");
	tap_is_str(resolve_err("-"), "(resolved)", "- is STDIO");
	tap_is_str(resolve_err("PIPE:/tmp/a!!OPEN:/tmp/b,creat"), "(resolved)", "dual address resolves both halves");
	tap_ok(strstr(resolve_err("PIPE!!FOO"), "unknown device/address \"FOO\"") != NULL, "dual: the second half is checked too");

	/* --experimental */
	const struct xio_handler *exp = NULL;
	for (const struct xio_handler *const *t = xio_handlers(); *t; t++)
		if (((*t)->flags & XH_EXPERIMENTAL) && (*t)->min_params == (*t)->max_params)
			exp = *t;
	if (exp) {
		char text[128];
		snprintf(text, sizeof text, "%s", exp->name);
		for (int i = 0; i < exp->min_params; i++)
			strcat(text, ":x");
		char want[200];
		snprintf(want, sizeof want, "%s: use option --experimental to acknowledge unmature state", exp->name);
		tap_is_str(resolve_err(text), want, "experimental address without --experimental (%s)", exp->name);
		xg.experimental = true;
		tap_ok(strstr(resolve_err(text), "experimental") == NULL, "with --experimental it resolves");
		xg.experimental = false;
	} else {
		tap_ok(1, "no experimental address in the table # SKIP");
		tap_ok(1, "no experimental address in the table # SKIP");
	}
}

/* ---- opens ---- */

static void test_files(void)
{
	struct opened o;
	struct endpoint *ep;
	char f[300], text[400];
	struct stat st;

	path_in(f, sizeof f, "f1");
	snprintf(text, sizeof text, "OPEN:%s,creat,trunc", f);
	ep = open_addr(&o, text, XIO_WRONLY);
	tap_ok(ep && ep->wfd >= 0 && (ep->flags & EPF_WRITE) && !(ep->flags & EPF_READ), "OPEN,creat write-only: endpoint");
	tap_ok(ep && (ep->flags & EPF_WNOPOLL), "regular file: not pollable (EPF_WNOPOLL)");
	if (ep && write(ep->wfd, "hello\n", 6) != 6)
		tap_diag("write: %s", strerror(errno));
	done_addr(&o);
	tap_is_str(slurp(f), "hello\n", "OPEN,creat: file created with the data");
	ep = open_addr(&o, text, XIO_WRONLY);
	tap_ok(ep && fstat(ep->wfd, &st) == 0 && st.st_size == 0, "OPEN,creat,trunc: truncated at open");
	done_addr(&o);

	spit(f, "one\n");
	snprintf(text, sizeof text, "OPEN:%s,append", f);
	ep = open_addr(&o, text, XIO_WRONLY);
	if (ep && write(ep->wfd, "two\n", 4) != 4)
		tap_diag("write: %s", strerror(errno));
	tap_ok(ep && (fcntl(ep->wfd, F_GETFL) & O_APPEND), "OPEN,append: O_APPEND set");
	done_addr(&o);
	tap_is_str(slurp(f), "one\ntwo\n", "OPEN,append: data appended");

	path_in(f, sizeof f, "f2");
	snprintf(text, sizeof text, "OPEN:%s,creat,perm=0600", f);
	ep = open_addr(&o, text, XIO_RDWR);
	tap_ok(ep && stat(f, &st) == 0 && (st.st_mode & 0777) == 0600, "OPEN,perm=0600: mode 0600");
	tap_ok(ep && ep->rfd == ep->wfd && (ep->flags & EPF_READ) && (ep->flags & EPF_WRITE), "OPEN read-write: one fd both ways");
	done_addr(&o);

	path_in(f, sizeof f, "nonexist/x");
	snprintf(text, sizeof text, "OPEN:%s", f);
	log_clear();
	ep = open_addr(&o, text, XIO_RDONLY);
	char want[400];
	snprintf(want, sizeof want, "E open(\"%s\", O_RDONLY): No such file or directory", f);
	tap_ok(!ep && (o.rc < 0 || (o.delivered && o.status)) && log_has(want), "OPEN of a missing path fails: %s", want);
	done_addr(&o);

	path_in(f, sizeof f, "f3");
	spit(f, "old contents");
	snprintf(text, sizeof text, "CREATE:%s", f);
	log_clear();
	ep = open_addr(&o, text, XIO_RDWR);
	tap_ok(ep && ep->rfd < 0 && ep->wfd >= 0 && (ep->flags & EPF_WRITE) && !(ep->flags & EPF_READ),
	       "CREATE opened read-write: write-only endpoint");
	tap_ok(log_has("I address is opened in read-write mode but only supports write-only"), "CREATE read-write: an info line (socat 1.7.4 is silent)");
	snprintf(want, sizeof want, "N creating regular file \"%s\" for writing", f);
	tap_ok(log_has(want), "CREATE: notice as socat (%s)", want);
	done_addr(&o);
	tap_is_str(slurp(f), "", "CREATE truncates");

	path_in(f, sizeof f, "g1");
	snprintf(text, sizeof text, "GOPEN:%s", f);
	ep = open_addr(&o, text, XIO_WRONLY);
	tap_ok(ep && stat(f, &st) == 0 && (fcntl(ep->wfd, F_GETFL) & O_APPEND), "GOPEN of a missing file: created, O_APPEND");
	if (ep && write(ep->wfd, "a", 1) != 1)
		tap_diag("write");
	done_addr(&o);
	ep = open_addr(&o, f, XIO_WRONLY); /* bare path = GOPEN */
	if (ep && write(ep->wfd, "b", 1) != 1)
		tap_diag("write");
	done_addr(&o);
	tap_is_str(slurp(f), "ab", "GOPEN (bare path) appends to an existing file");

	/* GOPEN on a UNIX stream socket connects */
	path_in(f, sizeof f, "sock");
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(f) < sizeof sun.sun_path)
		memcpy(sun.sun_path, f, strlen(f) + 1);
	if (bind(ls, (struct sockaddr *)&sun, sizeof sun) < 0 || listen(ls, 1) < 0)
		tap_diag("bind/listen: %s", strerror(errno));
	snprintf(text, sizeof text, "GOPEN:%s", f);
	ep = open_addr(&o, text, XIO_RDWR);
	int cs = accept(ls, NULL, NULL);
	char buf[64];
	if (ep && write(ep->wfd, "ping", 4) != 4)
		tap_diag("write");
	tap_ok(ep && cs >= 0 && read_wait(cs, buf, sizeof buf, 2000, "ping") == 4 && !strcmp(buf, "ping"),
	       "GOPEN on a UNIX socket connects to it");
	if (cs >= 0)
		close(cs);
	close(ls);
	done_addr(&o);

	/* /dev/null: notice text and not pollable */
	log_clear();
	ep = open_addr(&o, "OPEN:/dev/null", XIO_RDWR);
	tap_ok(log_has("N opening character device \"/dev/null\" for reading and writing"), "notice as socat for /dev/null");
	tap_ok(ep && (ep->flags & EPF_RNOPOLL) && (ep->flags & EPF_WNOPOLL), "/dev/null: not pollable");
	done_addr(&o);

	/* an unused option is an error */
	path_in(f, sizeof f, "f4");
	snprintf(text, sizeof text, "OPEN:%s,creat,unlink-close=0,f-setlk-wr", f);
	ep = open_addr(&o, text, XIO_WRONLY);
	tap_ok(ep != NULL, "OPEN with unlink-close=0 and a lock option opens");
	done_addr(&o);
	tap_ok(access(f, F_OK) == 0, "unlink-close=0 leaves the file");
	snprintf(text, sizeof text, "OPEN:%s,unlink-close", f);
	ep = open_addr(&o, text, XIO_WRONLY);
	done_addr(&o);
	tap_ok(access(f, F_OK) < 0, "unlink-close removes the file at close");
}

static void test_pipes(void)
{
	struct opened o;
	struct endpoint *ep;
	char f[300], text[400], buf[64];
	struct stat st;

	ep = open_addr(&o, "PIPE", XIO_RDWR);
	tap_ok(ep && ep->rfd >= 0 && ep->wfd >= 0 && ep->rfd != ep->wfd, "unnamed PIPE: two fds");
	if (ep && write(ep->wfd, "echo", 4) != 4)
		tap_diag("write");
	tap_ok(ep && read_wait(ep->rfd, buf, sizeof buf, 1000, "echo") == 4, "unnamed PIPE echoes");
	tap_ok(ep && (fcntl(ep->rfd, F_GETFL) & O_NONBLOCK) && (fcntl(ep->rfd, F_GETFD) & FD_CLOEXEC), "fds nonblocking, close-on-exec");
	done_addr(&o);

	path_in(f, sizeof f, "fifo1");
	snprintf(text, sizeof text, "PIPE:%s", f);
	log_clear();
	ep = open_addr(&o, text, XIO_RDWR);
	tap_ok(ep && stat(f, &st) == 0 && S_ISFIFO(st.st_mode), "named PIPE: FIFO created");
	char want[400];
	snprintf(want, sizeof want, "N created named pipe \"%s\" for reading and writing", f);
	tap_ok(log_has(want), "named PIPE: notice as socat");
	if (ep && write(ep->wfd, "xy", 2) != 2)
		tap_diag("write");
	tap_ok(ep && read_wait(ep->rfd, buf, sizeof buf, 1000, "xy") == 2, "named PIPE read-write echoes");
	done_addr(&o);
	tap_ok(access(f, F_OK) < 0, "named PIPE created here: removed at close");

	path_in(f, sizeof f, "fifo2");
	if (mkfifo(f, 0600) < 0)
		tap_diag("mkfifo: %s", strerror(errno));
	snprintf(text, sizeof text, "FIFO:%s", f);
	ep = open_addr(&o, text, XIO_RDWR);
	tap_ok(ep != NULL, "existing named pipe opens");
	done_addr(&o);
	tap_ok(access(f, F_OK) == 0, "an existing named pipe stays after close");
	snprintf(text, sizeof text, "PIPE:%s,unlink-close", f);
	ep = open_addr(&o, text, XIO_RDWR);
	done_addr(&o);
	tap_ok(access(f, F_OK) < 0, "unlink-close removes an existing named pipe");

	path_in(f, sizeof f, "fifo3");
	snprintf(text, sizeof text, "PIPE:%s,nonblock", f);
	ep = open_addr(&o, text, XIO_RDONLY);
	tap_ok(ep && ep->rfd >= 0 && ep->wfd < 0, "named PIPE read-only with nonblock: opens without a writer");
	done_addr(&o);

	ep = open_addr(&o, "SOCKETPAIR", XIO_RDWR);
	tap_ok(ep && (ep->flags & EPF_DGRAM) && ep->rfd != ep->wfd, "SOCKETPAIR: datagram echo endpoint");
	if (ep && (write(ep->wfd, "p1", 2) != 2 || write(ep->wfd, "p22", 3) != 3))
		tap_diag("write");
	ssize_t n1 = -1;
	if (ep) {
		struct pollfd pf = { .fd = ep->rfd, .events = POLLIN };
		if (poll(&pf, 1, 1000) == 1)
			n1 = read(ep->rfd, buf, sizeof buf);
	}
	tap_ok(n1 == 2 && !memcmp(buf, "p1", 2), "SOCKETPAIR keeps packet boundaries");
	done_addr(&o);
	ep = open_addr(&o, "SOCKETPAIR,socktype=1", XIO_RDWR);
	tap_ok(ep && !(ep->flags & EPF_DGRAM), "SOCKETPAIR,socktype=1: stream");
	done_addr(&o);

	/* FD: an inherited descriptor */
	int p[2];
	if (pipe(p) < 0)
		tap_diag("pipe");
	snprintf(text, sizeof text, "FD:%d", p[0]);
	log_clear();
	ep = open_addr(&o, text, XIO_RDONLY);
	snprintf(want, sizeof want, "N using file descriptor %d for reading", p[0]);
	tap_ok(ep && ep->rfd == p[0] && log_has(want), "FD:n: uses the fd (%s)", want);
	if (write(p[1], "fd", 2) != 2)
		tap_diag("write");
	tap_ok(ep && read_wait(ep->rfd, buf, sizeof buf, 1000, "fd") == 2, "FD:n: data readable");
	done_addr(&o);
	close(p[1]);
	ep = open_addr(&o, "FD:999", XIO_RDWR);
	tap_ok(!ep, "FD of a closed descriptor fails");
	done_addr(&o);

	/* STDOUT asked read-write: warning, write-only */
	log_clear();
	int saved1 = dup(1);
	int devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, 1);
	fflush(stdout);
	ep = open_addr(&o, "STDOUT", XIO_RDWR);
	bool wonly = ep && ep->wfd == 1 && ep->rfd < 0 && !(ep->flags & EPF_READ);
	if (ep)
		ep->wfd = -1; /* keep our fd 1 */
	done_addr(&o);
	dup2(saved1, 1);
	close(saved1);
	close(devnull);
	fcntl(1, F_SETFL, fcntl(1, F_GETFL) & ~O_NONBLOCK);
	tap_ok(wonly, "STDOUT read-write: write-only endpoint");
	tap_ok(log_has("I address is opened in read-write mode but only supports write-only"), "STDOUT read-write: an info line, not a warning");
}

static int child_st = -1;
static void on_child(struct loop *l, pid_t pid, int st, void *arg)
{
	(void)pid;
	(void)arg;
	child_st = st;
	loop_stop(l);
}

static void stop_cb(struct loop *l, void *arg)
{
	(void)arg;
	loop_stop(l);
}

static int wait_child(pid_t pid)
{
	child_st = -1;
	loop_watch_child(lp, pid, on_child, NULL);
	struct loop_timer *t = loop_timer_add(lp, 5.0, stop_cb, NULL);
	if (child_st == -1)
		loop_run(lp);
	if (child_st != -1)
		loop_timer_cancel(lp, t);
	return child_st;
}

static void test_exec(void)
{
	struct opened o;
	struct endpoint *ep;
	char buf[256], text[400];

	log_clear();
	ep = open_addr(&o, "EXEC:cat", XIO_RDWR);
	tap_ok(ep && ep->child > 0 && ep->rfd == ep->wfd, "EXEC:cat: endpoint with a child on a socket");
	tap_ok(log_has("N forking off child, using socket for reading and writing") && log_has("N forked off child process"),
	       "EXEC: socat's notices");
	if (ep && write(ep->wfd, "hi\n", 3) != 3)
		tap_diag("write");
	tap_ok(ep && read_wait(ep->rfd, buf, sizeof buf, 2000, "hi\n") == 3 && !strcmp(buf, "hi\n"), "EXEC:cat echoes");
	if (ep)
		shutdown(ep->wfd, SHUT_WR);
	tap_ok(ep && read_wait(ep->rfd, buf, sizeof buf, 2000, NULL) == 0, "EXEC:cat: EOF after shutdown(SHUT_WR)");
	pid_t pid = ep ? ep->child : 0;
	if (ep)
		ep->child = 0;
	done_addr(&o);
	int st = pid ? wait_child(pid) : -1;
	tap_ok(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "EXEC:cat exits 0 after EOF");

	ep = open_addr(&o, "EXEC:'sh -c \"tr a-z A-Z\"',pipes", XIO_RDWR);
	tap_ok(ep && ep->rfd >= 0 && ep->wfd >= 0 && ep->rfd != ep->wfd, "EXEC,pipes: two pipes");
	if (ep && write(ep->wfd, "abc", 3) != 3)
		tap_diag("write");
	if (ep) {
		close(ep->wfd);
		ep->wfd = -1;
	}
	tap_ok(ep && read_wait(ep->rfd, buf, sizeof buf, 2000, NULL) == 3 && !strcmp(buf, "ABC"),
	       "EXEC with quoted words and pipes: closing the write pipe is the child's EOF");
	done_addr(&o);

	ep = open_addr(&o, "SYSTEM:exit 3", XIO_RDWR);
	pid = ep ? ep->child : 0;
	if (ep)
		ep->child = 0;
	st = pid ? wait_child(pid) : -1;
	tap_ok(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 3, "SYSTEM:'exit 3': status 3 seen by loop_watch_child");
	done_addr(&o);

	ep = open_addr(&o, "SYSTEM:echo \"$DUCT_PID $DUCT_PPID $DUCT_VERSION\" 1>&2,stderr", XIO_RDONLY);
	char want[64];
	snprintf(want, sizeof want, "%ld %ld ", (long)getpid(), (long)getpid());
	ssize_t nenv = ep ? read_wait(ep->rfd, buf, sizeof buf, 2000, "\n") : -1;
	tap_ok(nenv > 0 && !strncmp(buf, want, strlen(want)),
	       "child env: DUCT_PID/DUCT_PPID are ours; stderr joins the output channel (%.*s)", (int)strcspn(buf, "\n"), buf);
	done_addr(&o);

	ep = open_addr(&o, "SHELL:echo $0 $SHELL,shell=/bin/sh", XIO_RDONLY);
	ssize_t nsh = ep ? read_wait(ep->rfd, buf, sizeof buf, 2000, "\n") : -1;
	tap_ok(nsh > 0 && !strcmp(buf, "sh /bin/sh\n"),
	       "SHELL,shell=/bin/sh: argv[0] is the basename, SHELL exported (%.*s)", (int)strcspn(buf, "\n"), buf);
	done_addr(&o);

	ep = open_addr(&o, "EXEC:\"sh -c 'echo $0'\",login", XIO_RDONLY);
	tap_ok(ep && read_wait(ep->rfd, buf, sizeof buf, 2000, "\n") > 0 && !strcmp(buf, "-sh\n"), "EXEC,login: argv[0] gets a dash");
	done_addr(&o);

	ep = open_addr(&o, "EXEC:\"sh -c 'echo $PATH'\",path=/nowhere:/bin", XIO_RDONLY);
	tap_ok(ep && read_wait(ep->rfd, buf, sizeof buf, 2000, "\n") > 0 && !strcmp(buf, "/nowhere:/bin\n"), "EXEC,path=: PATH in the child");
	done_addr(&o);

	ep = open_addr(&o, "EXEC:\"sh -c 'cat <&3 >&4'\",fdin=3,fdout=4", XIO_RDWR);
	if (ep && write(ep->wfd, "fdx", 3) != 3)
		tap_diag("write");
	ssize_t nfd = ep ? read_wait(ep->rfd, buf, sizeof buf, 2000, "fdx") : -1;
	tap_ok(nfd == 3 && !strcmp(buf, "fdx"), "fdin=3,fdout=4: the child uses fds 3 and 4 (%zd)", nfd);
	if (nfd != 3)
		tap_diag("got [%s]", buf);
	done_addr(&o);

	ep = open_addr(&o, "EXEC:\"sh -c 'ps -o sid= -p $$; ps -o sid= -p $PPID'\",setsid", XIO_RDONLY);
	char *nl;
	bool differ = ep && read_wait(ep->rfd, buf, sizeof buf, 2000, NULL) > 0 && (nl = strchr(buf, '\n')) &&
		      strtol(buf, NULL, 10) != strtol(nl + 1, NULL, 10);
	tap_ok(differ, "setsid: the child has a session of its own");
	done_addr(&o);

	snprintf(text, sizeof text, "EXEC:/nonexistent/cmd");
	log_clear();
	ep = open_addr(&o, text, XIO_RDWR);
	pid = ep ? ep->child : 0;
	if (ep)
		ep->child = 0;
	st = pid ? wait_child(pid) : -1;
	tap_ok(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 0 && log_has("execvp(\"/nonexistent/cmd\"): No such file or directory"),
	       "EXEC of a missing program: child fails, error names it");
	done_addr(&o);

	ep = open_addr(&o, "EXEC:cat,nofork", XIO_RDWR);
	tap_ok(!ep, "nofork: a clear error");
	done_addr(&o);
	ep = open_addr(&o, "EXEC:tty,pty", XIO_RDWR);
	ssize_t npty = ep ? read_wait(ep->rfd, buf, sizeof buf, 2000, "\n") : -1;
	tap_ok(npty > 0 && !strncmp(buf, "/dev/pts/", 9), "EXEC,pty: the child's stdin/stdout are a pty (%.*s)",
	       (int)strcspn(buf, "\r\n"), buf);
	done_addr(&o);
	char *oldshell = getenv("SHELL") ? strdup(getenv("SHELL")) : NULL;
	unsetenv("SHELL");
	log_clear();
	ep = open_addr(&o, "SHELL:true", XIO_RDWR);
	tap_ok(!ep && log_has("SHELL"), "SHELL with $SHELL unset: refused");
	done_addr(&o);
	if (oldshell) {
		setenv("SHELL", oldshell, 1);
		free(oldshell);
	}
}

static void test_appl_and_locks(void)
{
	struct opened o;
	struct endpoint *ep;
	char f[300], text[400];

	ep = open_addr(&o, "PIPE,crnl,readbytes=10,escape=0x1d,ignoreeof,shut-none", XIO_RDWR);
	tap_ok(ep && ep->lineterm == EP_LT_CRNL && ep->readbytes == 10 && ep->escape == 0x1d &&
	       (ep->flags & EPF_IGNOREEOF) && ep->shut == EP_SHUT_NONE, "data-layer options reach the endpoint");
	done_addr(&o);
	ep = open_addr(&o, "PIPE,crnl,cr,shut-down,shut-close", XIO_RDWR);
	tap_ok(ep && ep->lineterm == EP_LT_CR && ep->shut == EP_SHUT_CLOSE, "cr/crnl and shut-*: the last one wins");
	done_addr(&o);
	ep = open_addr(&o, "PIPE,end-close", XIO_RDWR);
	tap_ok(ep && (ep->flags & EPF_END_CLOSE), "end-close");
	done_addr(&o);

	path_in(f, sizeof f, "lock1");
	snprintf(text, sizeof text, "OPEN:/dev/null,lockfile=%s", f);
	struct opened o2;
	ep = open_addr(&o, text, XIO_RDWR);
	tap_ok(ep && access(f, F_OK) == 0, "lockfile=: lock file created");
	struct endpoint *ep2 = open_addr(&o2, text, XIO_RDWR);
	tap_ok(!ep2, "lockfile= held: the second open fails");
	done_addr(&o2);
	done_addr(&o);

	/* umask and chdir are temporary */
	mode_t before = umask(022);
	umask(before);
	path_in(f, sizeof f, "um");
	snprintf(text, sizeof text, "OPEN:%s,creat,umask=077", f);
	ep = open_addr(&o, text, XIO_WRONLY);
	struct stat st;
	tap_ok(ep && stat(f, &st) == 0 && (st.st_mode & 0777) == 0600, "umask=077 applies to the open");
	done_addr(&o);
	mode_t after = umask(before);
	tap_ok(after == before, "umask restored after the open");
	char cwd[512], cwd2[512];
	if (!getcwd(cwd, sizeof cwd))
		cwd[0] = 0;
	snprintf(text, sizeof text, "OPEN:rel,creat,chdir=%s", tmpdir);
	ep = open_addr(&o, text, XIO_WRONLY);
	path_in(f, sizeof f, "rel");
	tap_ok(ep && access(f, F_OK) == 0, "chdir=: relative path opened there");
	done_addr(&o);
	tap_ok(getcwd(cwd2, sizeof cwd2) && !strcmp(cwd, cwd2), "cwd restored after the open");
}


/* ---- POSIX message queues ---- */

/* Run the loop until o was delivered (or about two seconds passed). */
struct until {
	struct opened *o;
	int left;
};

static void until_cb(struct loop *l, void *arg)
{
	struct until *u = arg;
	if (u->o->delivered || --u->left <= 0) {
		loop_stop(l);
		return;
	}
	loop_timer_add(l, 0.02, until_cb, u);
}

/* A queue of this test: "/xio_table-PID-name" (text for the address, name for mq_*). */
static const char *qname(const char *name)
{
	static char q[64];
	snprintf(q, sizeof q, "/xio_table-%ld-%s", (long)getpid(), name);
	return q;
}

static bool queue_exists(const char *q)
{
	mqd_t m = mq_open(q, O_RDONLY);
	if (m < 0)
		return false;
	mq_close(m);
	return true;
}

static void test_posixmq(void)
{
	struct opened o, o2;
	struct endpoint *ep, *ep2;
	char text[400], buf[9000];

	const struct xio_handler *rd = xio_find("POSIXMQ-READ"), *rcv = xio_find("POSIXMQ-RECEIVE"),
				 *snd = xio_find("POSIXMQ-SEND"), *bi = xio_find("POSIXMQ-BIDIRECTIONAL");
	tap_ok(rd && rcv && snd && bi, "POSIXMQ-READ, -RECEIVE, -SEND, -BIDIRECTIONAL are in the table");
	if (!rd || !rcv || !snd || !bi)
		return;
	tap_ok(xio_find("POSIXMQ-RECV") == rcv && xio_find("posixmq") == bi && xio_find("POSIXMQ-WRITE") == snd,
	       "aliases POSIXMQ-RECV, POSIXMQ, POSIXMQ-WRITE");
	const uint64_t base = G(FD) | G(NAMED) | G(OPEN) | G(RETRY) | G(POSIXMQ);
	tap_ok(rd->groups == base && bi->groups == base && rcv->groups == (base | G(CHILD)) && snd->groups == (base | G(CHILD)),
	       "groups FD,NAMED,OPEN,RETRY,POSIXMQ; RECEIVE and SEND add CHILD (fork)");
	tap_ok(rd->dirs == XIO_RDONLY && rcv->dirs == XIO_RDONLY && snd->dirs == XIO_WRONLY && bi->dirs == XIO_RDWR,
	       "directions: READ and RECEIVE read, SEND writes, BIDIRECTIONAL both");
	tap_ok((rd->flags & rcv->flags & snd->flags & bi->flags & XH_EXPERIMENTAL) != 0, "all four need --experimental");
	tap_ok(strstr(resolve_err("POSIXMQ-READ:/q"), "--experimental") != NULL, "without --experimental: refused");

	xg.experimental = true;
	const char *q = qname("bi");
	mq_unlink(q);
	snprintf(text, sizeof text, "POSIXMQ-BIDIRECTIONAL:%s,unlink-close", q);
	ep = open_addr(&o, text, XIO_RDWR);
	tap_ok(ep && ep->rfd >= 0 && ep->rfd == ep->wfd && ep->ops && ep->ops->read && ep->ops->write,
	       "BIDIRECTIONAL: one queue descriptor read and written through mq_receive/mq_send");
	tap_ok(ep && (ep->flags & (EPF_DGRAM | EPF_POLLABLE | EPF_READ | EPF_WRITE)) == (EPF_DGRAM | EPF_POLLABLE | EPF_READ | EPF_WRITE) &&
	       !(ep->flags & (EPF_RNOPOLL | EPF_WNOPOLL)),
	       "packets, watched by epoll (fstat calls a queue a regular file)");
	tap_ok(ep && (fcntl(ep->rfd, F_GETFL) & O_NONBLOCK), "nonblocking");
	tap_ok(queue_exists(q), "a missing queue is created");
	if (ep) {
		ssize_t w1 = ep->ops->write(ep, "one", 3), w2 = ep->ops->write(ep, "two!", 4);
		ssize_t r1 = ep->ops->read(ep, buf, sizeof buf);
		ssize_t r2 = ep->ops->read(ep, buf + 10, sizeof buf - 10);
		ssize_t r3 = ep->ops->read(ep, buf + 20, sizeof buf - 20);
		int e3 = errno;
		tap_ok(w1 == 3 && w2 == 4 && r1 == 3 && !memcmp(buf, "one", 3) && r2 == 4 && !memcmp(buf + 10, "two!", 4),
		       "each write is one message, each read one message");
		tap_ok(r3 < 0 && e3 == EAGAIN, "an empty queue: EAGAIN");
	}
	done_addr(&o);
	tap_ok(!queue_exists(q), "unlink-close removes the queue");

	/* priorities: SEND with posixmq-priority, READ gets the highest first */
	q = qname("prio");
	mq_unlink(q);
	static const struct { const char *msg; int prio; } msgs[] = { { "low", 1 }, { "high", 7 }, { "mid", 3 } };
	int sent = 0;
	for (size_t i = 0; i < 3; i++) {
		snprintf(text, sizeof text, "POSIXMQ-SEND:%s,posixmq-priority=%d", q, msgs[i].prio);
		ep = open_addr(&o, text, XIO_WRONLY);
		sent += ep && ep->rfd < 0 && ep->ops->write(ep, msgs[i].msg, strlen(msgs[i].msg)) == (ssize_t)strlen(msgs[i].msg);
		done_addr(&o);
	}
	tap_is_int(sent, 3, "SEND: three messages with priorities 1, 7, 3");
	snprintf(text, sizeof text, "POSIXMQ-READ:%s,o-creat=0", q);
	ep = open_addr(&o, text, XIO_RDONLY);
	char order[64] = "";
	for (int i = 0; ep && i < 3; i++) {
		ssize_t n = ep->ops->read(ep, buf, sizeof buf);
		if (n > 0)
			snprintf(order + strlen(order), sizeof order - strlen(order), "%.*s ", (int)n, buf);
	}
	tap_is_str(order, "high mid low ", "READ: the highest priority first");
	done_addr(&o);

	/* posixmq-priority on READ: the lowest priority passed on */
	for (size_t i = 0; i < 3; i++) {
		snprintf(text, sizeof text, "POSIXMQ-SEND:%s,mq-prio=%d", q, msgs[i].prio);
		ep = open_addr(&o, text, XIO_WRONLY);
		if (ep)
			(void)ep->ops->write(ep, msgs[i].msg, strlen(msgs[i].msg));
		done_addr(&o);
	}
	snprintf(text, sizeof text, "POSIXMQ-READ:%s,posixmq-priority=3,unlink-close", q);
	log_clear();
	ep = open_addr(&o, text, XIO_RDONLY);
	ssize_t n1 = ep ? ep->ops->read(ep, buf, sizeof buf) : -1;
	ssize_t n2 = ep ? ep->ops->read(ep, buf + 10, sizeof buf - 10) : -1;
	ssize_t n3 = ep ? ep->ops->read(ep, buf + 20, sizeof buf - 20) : -1;
	tap_ok(n1 == 4 && !memcmp(buf, "high", 4) && n2 == 3 && !memcmp(buf + 10, "mid", 3) && n3 < 0,
	       "READ with posixmq-priority=3: priorities 7 and 3 passed on, 1 not");
	tap_ok(log_has("discarding a message of 3 bytes with priority 1 (posixmq-priority=3"),
	       "the discarded message is named in a warning");
	done_addr(&o);

	/* a read smaller than the message size */
	q = qname("small");
	snprintf(text, sizeof text, "POSIXMQ-BIDIRECTIONAL:%s,unlink-close", q);
	ep = open_addr(&o, text, XIO_RDWR);
	if (ep)
		(void)ep->ops->write(ep, "abcdefgh", 8);
	ssize_t ns = ep ? ep->ops->read(ep, buf, 3) : -1;
	tap_ok(ns == 3 && !memcmp(buf, "abc", 3), "a read smaller than the queue's message size gets the message's start");
	done_addr(&o);

	/* RECEIVE without fork: delivered when a message is there, one message then EOF */
	q = qname("recv");
	mq_unlink(q);
	snprintf(text, sizeof text, "POSIXMQ-RECEIVE:%s,unlink-close", q);
	ep = open_addr(&o, text, XIO_RDONLY);
	tap_ok(o.rc == 0 && !ep && o.delivered == 0, "RECEIVE: nothing delivered while the queue is empty");
	snprintf(text, sizeof text, "POSIXMQ-SEND:%s,o-creat=0", q);
	ep2 = open_addr(&o2, text, XIO_WRONLY);
	if (ep2)
		(void)ep2->ops->write(ep2, "msg", 3);
	done_addr(&o2);
	struct until u = { &o, 100 };
	loop_timer_add(lp, 0.02, until_cb, &u);
	loop_run(lp);
	ep = o.ep;
	tap_ok(ep && o.delivered == 1 && (ep->flags & EPF_ONESHOT) && ep->ops->pending(ep) == 3,
	       "RECEIVE: delivered once a message arrived, holding it");
	ssize_t m1 = ep ? ep->ops->read(ep, buf, sizeof buf) : -1, m2 = ep ? ep->ops->read(ep, buf + 10, 10) : -1;
	tap_ok(m1 == 3 && !memcmp(buf, "msg", 3) && m2 == 0, "RECEIVE: the message, then EOF");
	done_addr(&o);
	mq_unlink(q);

	/* refusals */
	open_addr(&o, "POSIXMQ-READ:noslash", XIO_RDONLY);
	tap_ok(o.rc < 0, "a name without the leading / is refused");
	done_addr(&o);
	log_clear();
	snprintf(text, sizeof text, "POSIXMQ-READ:%s,o-creat=0", qname("none"));
	open_addr(&o, text, XIO_RDONLY);
	tap_ok(o.rc < 0 && log_has("No such file or directory; the queue does not exist"), "o-creat=0 on a missing queue: refused, saying why");
	done_addr(&o);
	open_addr(&o, "POSIXMQ-READ:/q,o-trunc", XIO_RDONLY);
	tap_ok(o.rc < 0, "an open(2) flag mq_open has no use for is refused");
	done_addr(&o);
	xg.experimental = false;
}

/* A nonblocking connect to 127.0.0.1:port, waited for (bounded) until it has an answer;
 * the events poll saw, as the loop would report them. -1 on a setup failure. */
static int connect_wait(uint16_t port, int *fd_out, uint32_t *events)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0 && errno != EINPROGRESS) {
		/* refused at once: SO_ERROR holds nothing, the loop would see the hangup */
		*fd_out = fd;
		*events = LOOP_ERR | LOOP_HUP;
		return 0;
	}
	struct pollfd pf = { .fd = fd, .events = POLLOUT };
	if (poll(&pf, 1, 5000) != 1) {
		close(fd);
		return -1;
	}
	*fd_out = fd;
	*events = (pf.revents & POLLOUT ? LOOP_OUT : 0) | (pf.revents & POLLERR ? LOOP_ERR : 0) |
		  (pf.revents & POLLHUP ? LOOP_HUP : 0);
	return 0;
}

/* A TCP socket bound to an ephemeral loopback port (listening or not); its port in *port. */
static int loopback_socket(bool listening, uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 || (listening && listen(fd, 4) < 0) ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

/* xio_connect_result: the one connect-completion check of the socket family and nc's scan */
static void test_connect_result(void)
{
	uint16_t port;
	int fd = -1, lfd = loopback_socket(true, &port);
	uint32_t ev;
	tap_ok(lfd >= 0 && connect_wait(port, &fd, &ev) == 0, "connect to a loopback listener");
	if (lfd >= 0 && fd >= 0) {
		tap_is_int(xio_connect_result(fd, ev), 0, "a completed connect is 0");
		tap_is_int(xio_connect_result(fd, LOOP_HUP), ECONNREFUSED,
			   "only a hangup, SO_ERROR empty: refused");
		close(fd);
	}
	if (lfd >= 0)
		close(lfd);
	/* a bound socket that does not listen: nobody answers on its port */
	fd = -1;
	int bfd = loopback_socket(false, &port);
	tap_ok(bfd >= 0 && connect_wait(port, &fd, &ev) == 0, "connect to a port nobody listens on");
	if (bfd >= 0 && fd >= 0) {
		tap_is_int(xio_connect_result(fd, ev), ECONNREFUSED, "a refused connect is ECONNREFUSED");
		close(fd);
	}
	if (bfd >= 0)
		close(bfd);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/xio_table.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(logpath, sizeof logpath, "%s/log", tmpdir);
	log_cfg()->min_level = LOG_I;
	if (log_open_file(logpath) < 0) {
		perror("log file");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	lp = loop_new();

	test_table();
	test_find();
	test_resolve_errors();
	test_files();
	test_pipes();
	test_exec();
	test_appl_and_locks();
	test_posixmq();
	test_connect_result();

	loop_free(lp);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		tap_diag("cleanup failed");
	return tap_done();
}
