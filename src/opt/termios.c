/* Option table: termios family. One row per option; see opt.h for the row fields.
 * Groups, value types and phases follow socat 1.8 (real phases, not the -hhh column). */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "common/log.h"
#include "opt/opt_int.h"

#ifndef XTABS
#define XTABS TAB3
#endif

static int fn_raw(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	struct termios *t = opt_termios_get(v, ctx);

	if (!t)
		return -1;
	t->c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | IGNPAR | PARMRK | INPCK | ISTRIP | INLCR | IGNCR |
				  ICRNL | IXON | IXOFF | IUCLC | IXANY | IMAXBEL);
	t->c_oflag &= ~(tcflag_t)OPOST;
	t->c_lflag &= ~(tcflag_t)(ISIG | ICANON | XCASE);
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
	return 0;
}

static int fn_rawer(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	struct termios *t = opt_termios_get(v, ctx);

	if (!t)
		return -1;
	t->c_iflag = 0;
	t->c_oflag = 0;
	t->c_lflag = 0;
	t->c_cflag = (t->c_cflag & (tcflag_t)(CBAUD | CBAUDEX)) | CREAD | CS8;
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
	return 0;
}

static int fn_cfmakeraw(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	struct termios *t = opt_termios_get(v, ctx);

	if (!t)
		return -1;
	cfmakeraw(t);
	return 0;
}

static int fn_sane(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	struct termios *t = opt_termios_get(v, ctx);

	if (!t)
		return -1;
	t->c_iflag = BRKINT | ICRNL | IMAXBEL | IXON | IUTF8;
	t->c_oflag = OPOST | ONLCR | NL0 | CR0 | TAB0 | BS0 | VT0 | FF0;
	t->c_cflag = (t->c_cflag & (tcflag_t)(CBAUD | CBAUDEX | CSIZE | CSTOPB | PARENB | PARODD | CLOCAL |
					      CRTSCTS)) | CREAD;
	t->c_lflag = ISIG | ICANON | IEXTEN | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE;
	t->c_cc[VINTR] = 003;
	t->c_cc[VQUIT] = 034;
	t->c_cc[VERASE] = 0177;
	t->c_cc[VKILL] = 025;
	t->c_cc[VEOF] = 004;
	t->c_cc[VEOL] = 0;
	t->c_cc[VEOL2] = 0;
	t->c_cc[VSTART] = 021;
	t->c_cc[VSTOP] = 023;
	t->c_cc[VSUSP] = 032;
	t->c_cc[VREPRINT] = 022;
	t->c_cc[VWERASE] = 027;
	t->c_cc[VLNEXT] = 026;
	t->c_cc[VDISCARD] = 017;
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
	return 0;
}

/* ctty on an address's own terminal (FILE:/dev/ttyS0,ctty): it becomes duct's controlling
 * terminal. Only a session leader without one may do that; as in socat a failure is a warning.
 * (EXEC/SYSTEM take ctty themselves: it is about the child there.) */
static int fn_ctty(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	if (!v->i)
		return 0;
	if (!opt_need_fd(v, ctx))
		return -1;
	if (ioctl(ctx->fd, TIOCSCTTY, 0) < 0) {
		logmsg(LOG_W, "address \"%s\": option \"ctty\": ioctl(%d, TIOCSCTTY): %s", ctx->addrname ? ctx->addrname : "?",
		       ctx->fd, strerror(errno));
		return 0;
	}
	if (tcsetpgrp(ctx->fd, getpgrp()) < 0)
		logmsg(LOG_W, "address \"%s\": option \"ctty\": tcsetpgrp(%d): %s", ctx->addrname ? ctx->addrname : "?",
		       ctx->fd, strerror(errno));
	return 0;
}

/* clang-format off */
static const char *const al_echoctl[] = { "ctlecho", NULL };
static const char *const al_echoe[] = { "crterase", NULL };
static const char *const al_echoke[] = { "crtkill", NULL };
static const char *const al_echoprt[] = { "prterase", NULL };
static const char *const al_hupcl[] = { "hup", NULL };
static const char *const al_ixoff[] = { "tandem", NULL };
static const char *const al_termios_cfmakeraw[] = { "cfmakeraw", NULL };
static const char *const al_termios_rawer[] = { "rawer", NULL };
static const char *const al_tiocsctty[] = { "ctty", NULL };
static const char *const al_vdiscard[] = { "discard", NULL };
static const char *const al_veof[] = { "eof", NULL };
static const char *const al_veol[] = { "eol", NULL };
static const char *const al_veol2[] = { "eol2", NULL };
static const char *const al_verase[] = { "erase", NULL };
static const char *const al_vintr[] = { "intr", NULL };
static const char *const al_vkill[] = { "kill", NULL };
static const char *const al_vlnext[] = { "lnext", NULL };
static const char *const al_vmin[] = { "min", NULL };
static const char *const al_vquit[] = { "quit", NULL };
static const char *const al_vreprint[] = { "reprint", "rprnt", NULL };
static const char *const al_vstart[] = { "start", NULL };
static const char *const al_vstop[] = { "stop", NULL };
static const char *const al_vsusp[] = { "susp", NULL };
static const char *const al_vswtc[] = { "swtc", "swtch", NULL };
static const char *const al_vtime[] = { "time", NULL };
static const char *const al_vwerase[] = { "werase", NULL };

const struct opt_def opt_rows_termios[] = {
	{ .name = "b0", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B0, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 0: hang up" },
	{ .name = "b1000000", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B1000000, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 1000000 baud" },
	{ .name = "b110", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B110, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 110 baud" },
	{ .name = "b115200", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B115200, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 115200 baud" },
	{ .name = "b1152000", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B1152000, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 1152000 baud" },
	{ .name = "b1200", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B1200, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 1200 baud" },
	{ .name = "b134", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B134, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 134 baud" },
	{ .name = "b150", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B150, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 150 baud" },
	{ .name = "b1500000", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B1500000, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 1500000 baud" },
	{ .name = "b1800", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B1800, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 1800 baud" },
	{ .name = "b19200", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B19200, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 19200 baud" },
	{ .name = "b200", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B200, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 200 baud" },
	{ .name = "b2000000", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B2000000, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 2000000 baud" },
	{ .name = "b230400", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B230400, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 230400 baud" },
	{ .name = "b2400", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B2400, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 2400 baud" },
	{ .name = "b2500000", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B2500000, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 2500000 baud" },
	{ .name = "b300", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B300, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 300 baud" },
	{ .name = "b3000000", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B3000000, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 3000000 baud" },
	{ .name = "b3500000", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B3500000, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 3500000 baud" },
	{ .name = "b38400", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B38400, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 38400 baud" },
	{ .name = "b4000000", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B4000000, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 4000000 baud" },
	{ .name = "b460800", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B460800, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 460800 baud" },
	{ .name = "b4800", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B4800, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 4800 baud" },
	{ .name = "b50", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B50, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 50 baud" },
	{ .name = "b500000", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B500000, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 500000 baud" },
	{ .name = "b57600", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B57600, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 57600 baud" },
	{ .name = "b576000", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B576000, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 576000 baud" },
	{ .name = "b600", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B600, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 600 baud" },
	{ .name = "b75", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B75, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 75 baud" },
	{ .name = "b921600", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B921600, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 921600 baud" },
	{ .name = "b9600", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = B9600, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "line speed 9600 baud" },
	{ .name = "brkint", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 0, .a2 = BRKINT, .a3 = BRKINT, .id = OPT_NONE,
	  .help = "termios c_iflag BRKINT" },
	{ .name = "bs0", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = BSDLY, .a3 = BS0, .id = OPT_NONE,
	  .help = "termios c_oflag BSDLY = BS0" },
	{ .name = "bs1", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = BSDLY, .a3 = BS1, .id = OPT_NONE,
	  .help = "termios c_oflag BSDLY = BS1" },
	{ .name = "bsdly", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 1, .a2 = BSDLY, .a3 = BS1, .id = OPT_NONE,
	  .help = "termios c_oflag BSDLY: BS1 (1) or BS0 (0)" },
	{ .name = "clocal", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 2, .a2 = CLOCAL, .a3 = CLOCAL, .id = OPT_NONE,
	  .help = "termios c_cflag CLOCAL" },
	{ .name = "cr0", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = CRDLY, .a3 = CR0, .id = OPT_NONE,
	  .help = "termios c_oflag CRDLY = CR0" },
	{ .name = "cr1", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = CRDLY, .a3 = CR1, .id = OPT_NONE,
	  .help = "termios c_oflag CRDLY = CR1" },
	{ .name = "cr2", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = CRDLY, .a3 = CR2, .id = OPT_NONE,
	  .help = "termios c_oflag CRDLY = CR2" },
	{ .name = "cr3", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = CRDLY, .a3 = CR3, .id = OPT_NONE,
	  .help = "termios c_oflag CRDLY = CR3" },
	{ .name = "crdly", .aliases = NULL, .type = OT_UINT, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = CRDLY, .a3 = 0, .id = OPT_NONE,
	  .help = "termios c_oflag CRDLY field as a number" },
	{ .name = "cread", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 2, .a2 = CREAD, .a3 = CREAD, .id = OPT_NONE,
	  .help = "termios c_cflag CREAD" },
	{ .name = "crtscts", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 2, .a2 = CRTSCTS, .a3 = CRTSCTS, .id = OPT_NONE,
	  .help = "termios c_cflag CRTSCTS" },
	{ .name = "cs5", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 2, .a2 = CSIZE, .a3 = CS5, .id = OPT_NONE,
	  .help = "termios c_cflag CSIZE = CS5" },
	{ .name = "cs6", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 2, .a2 = CSIZE, .a3 = CS6, .id = OPT_NONE,
	  .help = "termios c_cflag CSIZE = CS6" },
	{ .name = "cs7", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 2, .a2 = CSIZE, .a3 = CS7, .id = OPT_NONE,
	  .help = "termios c_cflag CSIZE = CS7" },
	{ .name = "cs8", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 2, .a2 = CSIZE, .a3 = CS8, .id = OPT_NONE,
	  .help = "termios c_cflag CSIZE = CS8" },
	{ .name = "csize", .aliases = NULL, .type = OT_UINT, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 2, .a2 = CSIZE, .a3 = 0, .id = OPT_NONE,
	  .help = "termios c_cflag CSIZE field as a number" },
	{ .name = "cstopb", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 2, .a2 = CSTOPB, .a3 = CSTOPB, .id = OPT_NONE,
	  .help = "termios c_cflag CSTOPB" },
	{ .name = "echo", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 3, .a2 = ECHO, .a3 = ECHO, .id = OPT_NONE,
	  .help = "termios c_lflag ECHO" },
	{ .name = "echoctl", .aliases = al_echoctl, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 3, .a2 = ECHOCTL, .a3 = ECHOCTL, .id = OPT_NONE,
	  .help = "termios c_lflag ECHOCTL" },
	{ .name = "echoe", .aliases = al_echoe, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 3, .a2 = ECHOE, .a3 = ECHOE, .id = OPT_NONE,
	  .help = "termios c_lflag ECHOE" },
	{ .name = "echok", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 3, .a2 = ECHOK, .a3 = ECHOK, .id = OPT_NONE,
	  .help = "termios c_lflag ECHOK" },
	{ .name = "echoke", .aliases = al_echoke, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 3, .a2 = ECHOKE, .a3 = ECHOKE, .id = OPT_NONE,
	  .help = "termios c_lflag ECHOKE" },
	{ .name = "echonl", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 3, .a2 = ECHONL, .a3 = ECHONL, .id = OPT_NONE,
	  .help = "termios c_lflag ECHONL" },
	{ .name = "echoprt", .aliases = al_echoprt, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 3, .a2 = ECHOPRT, .a3 = ECHOPRT, .id = OPT_NONE,
	  .help = "termios c_lflag ECHOPRT" },
	{ .name = "ff0", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = FFDLY, .a3 = FF0, .id = OPT_NONE,
	  .help = "termios c_oflag FFDLY = FF0" },
	{ .name = "ff1", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = FFDLY, .a3 = FF1, .id = OPT_NONE,
	  .help = "termios c_oflag FFDLY = FF1" },
	{ .name = "ffdly", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 1, .a2 = FFDLY, .a3 = FF1, .id = OPT_NONE,
	  .help = "termios c_oflag FFDLY: FF1 (1) or FF0 (0)" },
	{ .name = "flusho", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 3, .a2 = FLUSHO, .a3 = FLUSHO, .id = OPT_NONE,
	  .help = "termios c_lflag FLUSHO" },
	{ .name = "hupcl", .aliases = al_hupcl, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 2, .a2 = HUPCL, .a3 = HUPCL, .id = OPT_NONE,
	  .help = "termios c_cflag HUPCL" },
	{ .name = "icanon", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 3, .a2 = ICANON, .a3 = ICANON, .id = OPT_NONE,
	  .help = "termios c_lflag ICANON" },
	{ .name = "icrnl", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 0, .a2 = ICRNL, .a3 = ICRNL, .id = OPT_NONE,
	  .help = "termios c_iflag ICRNL" },
	{ .name = "iexten", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 3, .a2 = IEXTEN, .a3 = IEXTEN, .id = OPT_NONE,
	  .help = "termios c_lflag IEXTEN" },
	{ .name = "ignbrk", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 0, .a2 = IGNBRK, .a3 = IGNBRK, .id = OPT_NONE,
	  .help = "termios c_iflag IGNBRK" },
	{ .name = "igncr", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 0, .a2 = IGNCR, .a3 = IGNCR, .id = OPT_NONE,
	  .help = "termios c_iflag IGNCR" },
	{ .name = "ignpar", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 0, .a2 = IGNPAR, .a3 = IGNPAR, .id = OPT_NONE,
	  .help = "termios c_iflag IGNPAR" },
	{ .name = "imaxbel", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 0, .a2 = IMAXBEL, .a3 = IMAXBEL, .id = OPT_NONE,
	  .help = "termios c_iflag IMAXBEL" },
	{ .name = "inlcr", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 0, .a2 = INLCR, .a3 = INLCR, .id = OPT_NONE,
	  .help = "termios c_iflag INLCR" },
	{ .name = "inpck", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 0, .a2 = INPCK, .a3 = INPCK, .id = OPT_NONE,
	  .help = "termios c_iflag INPCK" },
	{ .name = "isig", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 3, .a2 = ISIG, .a3 = ISIG, .id = OPT_NONE,
	  .help = "termios c_lflag ISIG" },
	{ .name = "ispeed", .aliases = NULL, .type = OT_UINT, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = 0, .a2 = 1, .a3 = 0, .id = OPT_NONE,
	  .help = "input line speed in baud" },
	{ .name = "istrip", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 0, .a2 = ISTRIP, .a3 = ISTRIP, .id = OPT_NONE,
	  .help = "termios c_iflag ISTRIP" },
	{ .name = "iuclc", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 0, .a2 = IUCLC, .a3 = IUCLC, .id = OPT_NONE,
	  .help = "termios c_iflag IUCLC" },
	{ .name = "ixany", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 0, .a2 = IXANY, .a3 = IXANY, .id = OPT_NONE,
	  .help = "termios c_iflag IXANY" },
	{ .name = "ixoff", .aliases = al_ixoff, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 0, .a2 = IXOFF, .a3 = IXOFF, .id = OPT_NONE,
	  .help = "termios c_iflag IXOFF" },
	{ .name = "ixon", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 0, .a2 = IXON, .a3 = IXON, .id = OPT_NONE,
	  .help = "termios c_iflag IXON" },
	{ .name = "nl0", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = NLDLY, .a3 = NL0, .id = OPT_NONE,
	  .help = "termios c_oflag NLDLY = NL0" },
	{ .name = "nl1", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = NLDLY, .a3 = NL1, .id = OPT_NONE,
	  .help = "termios c_oflag NLDLY = NL1" },
	{ .name = "nldly", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 1, .a2 = NLDLY, .a3 = NL1, .id = OPT_NONE,
	  .help = "termios c_oflag NLDLY: NL1 (1) or NL0 (0)" },
	{ .name = "noflsh", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 3, .a2 = NOFLSH, .a3 = NOFLSH, .id = OPT_NONE,
	  .help = "termios c_lflag NOFLSH" },
	{ .name = "ocrnl", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 1, .a2 = OCRNL, .a3 = OCRNL, .id = OPT_NONE,
	  .help = "termios c_oflag OCRNL" },
	{ .name = "ofdel", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 1, .a2 = OFDEL, .a3 = OFDEL, .id = OPT_NONE,
	  .help = "termios c_oflag OFDEL" },
	{ .name = "ofill", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 1, .a2 = OFILL, .a3 = OFILL, .id = OPT_NONE,
	  .help = "termios c_oflag OFILL" },
	{ .name = "olcuc", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 1, .a2 = OLCUC, .a3 = OLCUC, .id = OPT_NONE,
	  .help = "termios c_oflag OLCUC" },
	{ .name = "onlcr", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 1, .a2 = ONLCR, .a3 = ONLCR, .id = OPT_NONE,
	  .help = "termios c_oflag ONLCR" },
	{ .name = "onlret", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 1, .a2 = ONLRET, .a3 = ONLRET, .id = OPT_NONE,
	  .help = "termios c_oflag ONLRET" },
	{ .name = "onocr", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 1, .a2 = ONOCR, .a3 = ONOCR, .id = OPT_NONE,
	  .help = "termios c_oflag ONOCR" },
	{ .name = "opost", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 1, .a2 = OPOST, .a3 = OPOST, .id = OPT_NONE,
	  .help = "termios c_oflag OPOST" },
	{ .name = "ospeed", .aliases = NULL, .type = OT_UINT, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_SPEED, .a1 = 0, .a2 = 2, .a3 = 0, .id = OPT_NONE,
	  .help = "output line speed in baud" },
	{ .name = "parenb", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 2, .a2 = PARENB, .a3 = PARENB, .id = OPT_NONE,
	  .help = "termios c_cflag PARENB" },
	{ .name = "parmrk", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 0, .a2 = PARMRK, .a3 = PARMRK, .id = OPT_NONE,
	  .help = "termios c_iflag PARMRK" },
	{ .name = "parodd", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 2, .a2 = PARODD, .a3 = PARODD, .id = OPT_NONE,
	  .help = "termios c_cflag PARODD" },
	{ .name = "pendin", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 3, .a2 = PENDIN, .a3 = PENDIN, .id = OPT_NONE,
	  .help = "termios c_lflag PENDIN" },
	{ .name = "raw", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_raw,
	  .help = "legacy raw mode: no signals, no line editing, no CR/NL mapping (echo unchanged)" },
	{ .name = "sane", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_sane,
	  .help = "restore sane terminal settings" },
	{ .name = "tab0", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = TABDLY, .a3 = TAB0, .id = OPT_NONE,
	  .help = "termios c_oflag TABDLY = TAB0" },
	{ .name = "tab1", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = TABDLY, .a3 = TAB1, .id = OPT_NONE,
	  .help = "termios c_oflag TABDLY = TAB1" },
	{ .name = "tab2", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = TABDLY, .a3 = TAB2, .id = OPT_NONE,
	  .help = "termios c_oflag TABDLY = TAB2" },
	{ .name = "tab3", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = TABDLY, .a3 = TAB3, .id = OPT_NONE,
	  .help = "termios c_oflag TABDLY = TAB3" },
	{ .name = "tabdly", .aliases = NULL, .type = OT_UINT, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = TABDLY, .a3 = 0, .id = OPT_NONE,
	  .help = "termios c_oflag TABDLY field as a number" },
	{ .name = "termios-cfmakeraw", .aliases = al_termios_cfmakeraw, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_cfmakeraw,
	  .help = "cfmakeraw(): raw mode, no echo" },
	{ .name = "termios-rawer", .aliases = al_termios_rawer, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_FUNC, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_rawer,
	  .help = "clear all termios flags except CREAD and CS8 (no echo)" },
	{ .name = "tiocsctty", .aliases = al_tiocsctty, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_LATE2, .how = OH_FUNC, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_CTTY, .apply = fn_ctty,
	  .help = "make the terminal the controlling tty (EXEC/SYSTEM: of the child; needs setsid)" },
	{ .name = "tostop", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 3, .a2 = TOSTOP, .a3 = TOSTOP, .id = OPT_NONE,
	  .help = "termios c_lflag TOSTOP" },
	{ .name = "vdiscard", .aliases = al_vdiscard, .type = OT_BYTE, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_CC, .a1 = VDISCARD, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "control character c_cc[VDISCARD]" },
	{ .name = "veof", .aliases = al_veof, .type = OT_BYTE, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_CC, .a1 = VEOF, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "control character c_cc[VEOF]" },
	{ .name = "veol", .aliases = al_veol, .type = OT_BYTE, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_CC, .a1 = VEOL, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "control character c_cc[VEOL]" },
	{ .name = "veol2", .aliases = al_veol2, .type = OT_BYTE, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_CC, .a1 = VEOL2, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "control character c_cc[VEOL2]" },
	{ .name = "verase", .aliases = al_verase, .type = OT_BYTE, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_CC, .a1 = VERASE, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "control character c_cc[VERASE]" },
	{ .name = "vintr", .aliases = al_vintr, .type = OT_BYTE, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_CC, .a1 = VINTR, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "control character c_cc[VINTR]" },
	{ .name = "vkill", .aliases = al_vkill, .type = OT_BYTE, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_CC, .a1 = VKILL, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "control character c_cc[VKILL]" },
	{ .name = "vlnext", .aliases = al_vlnext, .type = OT_BYTE, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_CC, .a1 = VLNEXT, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "control character c_cc[VLNEXT]" },
	{ .name = "vmin", .aliases = al_vmin, .type = OT_BYTE, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_CC, .a1 = VMIN, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "control character c_cc[VMIN]" },
	{ .name = "vquit", .aliases = al_vquit, .type = OT_BYTE, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_CC, .a1 = VQUIT, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "control character c_cc[VQUIT]" },
	{ .name = "vreprint", .aliases = al_vreprint, .type = OT_BYTE, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_CC, .a1 = VREPRINT, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "control character c_cc[VREPRINT]" },
	{ .name = "vstart", .aliases = al_vstart, .type = OT_BYTE, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_CC, .a1 = VSTART, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "control character c_cc[VSTART]" },
	{ .name = "vstop", .aliases = al_vstop, .type = OT_BYTE, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_CC, .a1 = VSTOP, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "control character c_cc[VSTOP]" },
	{ .name = "vsusp", .aliases = al_vsusp, .type = OT_BYTE, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_CC, .a1 = VSUSP, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "control character c_cc[VSUSP]" },
	{ .name = "vswtc", .aliases = al_vswtc, .type = OT_BYTE, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_CC, .a1 = VSWTC, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "control character c_cc[VSWTC]" },
	{ .name = "vt0", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = VTDLY, .a3 = VT0, .id = OPT_NONE,
	  .help = "termios c_oflag VTDLY = VT0" },
	{ .name = "vt1", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = VTDLY, .a3 = VT1, .id = OPT_NONE,
	  .help = "termios c_oflag VTDLY = VT1" },
	{ .name = "vtdly", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 1, .a2 = VTDLY, .a3 = VT1, .id = OPT_NONE,
	  .help = "termios c_oflag VTDLY: VT1 (1) or VT0 (0)" },
	{ .name = "vtime", .aliases = al_vtime, .type = OT_BYTE, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_CC, .a1 = VTIME, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "control character c_cc[VTIME]" },
	{ .name = "vwerase", .aliases = al_vwerase, .type = OT_BYTE, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_CC, .a1 = VWERASE, .a2 = 0, .a3 = 0, .id = OPT_NONE,
	  .help = "control character c_cc[VWERASE]" },
	{ .name = "xcase", .aliases = NULL, .type = OT_BOOL, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_FLAG, .a1 = 3, .a2 = XCASE, .a3 = XCASE, .id = OPT_NONE,
	  .help = "termios c_lflag XCASE" },
	{ .name = "xtabs", .aliases = NULL, .type = OT_CONST, .groups = G(TERMIOS),
	  .phase = PH_FD, .how = OH_TERMIOS_VALUE, .a1 = 1, .a2 = TABDLY, .a3 = XTABS, .id = OPT_NONE,
	  .help = "termios c_oflag TABDLY = XTABS" },
	{ .name = NULL }
};
