/* Taking options (code that handles them itself) and the generic applier (setsockopt, fcntl,
 * open flags, termios, ioctl, per-row functions), phase by phase. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <termios.h>
#include <unistd.h>

#include "common/log.h"
#include "opt/opt_int.h"

/* ---- taking ---- */

struct opt_value *opt_take(struct opt_list *l, enum opt_id id)
{
	struct opt_value *last = NULL;

	if (!l || id == OPT_NONE)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].def && l->v[i].def->id == id) {
			l->v[i].used = true;
			last = &l->v[i];
		}
	return last;
}

bool opt_take_bool(struct opt_list *l, enum opt_id id, bool *out)
{
	struct opt_value *v = opt_take(l, id);

	if (v && out)
		*out = v->i != 0;
	return v != NULL;
}

bool opt_take_int(struct opt_list *l, enum opt_id id, long long *out)
{
	struct opt_value *v = opt_take(l, id);

	if (v && out)
		*out = v->i;
	return v != NULL;
}

bool opt_take_str(struct opt_list *l, enum opt_id id, const char **out)
{
	struct opt_value *v = opt_take(l, id);

	if (v && out)
		*out = v->s;
	return v != NULL;
}

bool opt_take_time(struct opt_list *l, enum opt_id id, double *seconds)
{
	struct opt_value *v = opt_take(l, id);

	if (v && seconds)
		*seconds = v->d;
	return v != NULL;
}

struct opt_value *opt_peek(const struct opt_list *l, enum opt_id id)
{
	if (!l || id == OPT_NONE)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].def && l->v[i].def->id == id)
			return &l->v[i];
	return NULL;
}

bool opt_present(const struct opt_list *l, enum opt_id id)
{
	return opt_peek(l, id) != NULL;
}

/* ---- helpers for appliers ---- */

static const char *aname(const struct opt_apply_ctx *ctx)
{
	return ctx && ctx->addrname ? ctx->addrname : "?";
}

static const char *vname(const struct opt_value *v)
{
	return v->typed_name ? v->typed_name : v->def->name;
}

int opt_fail(const struct opt_value *v, const struct opt_apply_ctx *ctx, int err, const char *what)
{
	if (err)
		logmsg(LOG_E, "address \"%s\": option \"%s\": %s: %s", aname(ctx), vname(v), what, strerror(err));
	else
		logmsg(LOG_E, "address \"%s\": option \"%s\": %s", aname(ctx), vname(v), what);
	return -1;
}

bool opt_need_fd(const struct opt_value *v, const struct opt_apply_ctx *ctx)
{
	if (ctx->fd >= 0)
		return true;
	opt_fail(v, ctx, 0, "needs an open file descriptor in this phase");
	return false;
}

struct termios *opt_termios_get(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	struct termios *t = ctx->termios;

	if (!opt_need_fd(v, ctx))
		return NULL;
	if (!t || !isatty(ctx->fd)) {
		logmsg(LOG_E, "address \"%s\": option \"%s\" needs a terminal, but fd %d is not a tty", aname(ctx),
		       vname(v), ctx->fd);
		return NULL;
	}
	if (!ctx->termios_dirty) {
		if (tcgetattr(ctx->fd, t) < 0) {
			opt_fail(v, ctx, errno, "tcgetattr()");
			return NULL;
		}
		ctx->termios_dirty = true;
	}
	return t;
}

static tcflag_t *tfield(struct termios *t, int which)
{
	switch (which) {
	case 0: return &t->c_iflag;
	case 1: return &t->c_oflag;
	case 2: return &t->c_cflag;
	default: return &t->c_lflag;
	}
}

static const struct {
	unsigned long baud;
	speed_t code;
} speeds[] = {
	{ 0, B0 }, { 50, B50 }, { 75, B75 }, { 110, B110 }, { 134, B134 }, { 150, B150 }, { 200, B200 },
	{ 300, B300 }, { 600, B600 }, { 1200, B1200 }, { 1800, B1800 }, { 2400, B2400 }, { 4800, B4800 },
	{ 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 }, { 115200, B115200 },
	{ 230400, B230400 }, { 460800, B460800 }, { 500000, B500000 }, { 576000, B576000 },
	{ 921600, B921600 }, { 1000000, B1000000 }, { 1152000, B1152000 }, { 1500000, B1500000 },
	{ 2000000, B2000000 }, { 2500000, B2500000 }, { 3000000, B3000000 }, { 3500000, B3500000 },
	{ 4000000, B4000000 },
};

static int apply_termios(struct opt_value *v, struct opt_apply_ctx *ctx)
{
	const struct opt_def *d = v->def;
	struct termios *t = opt_termios_get(v, ctx);

	if (!t)
		return -1;
	switch (d->how) {
	case OH_TERMIOS_FLAG: {
		tcflag_t *f = tfield(t, d->a1);
		*f &= ~(tcflag_t)d->a2;
		if (v->i)
			*f |= (tcflag_t)d->a3;
		return 0;
	}
	case OH_TERMIOS_VALUE: {
		tcflag_t *f = tfield(t, d->a1);
		tcflag_t mask = (tcflag_t)d->a2, val;
		if (d->type == OT_CONST)
			val = (tcflag_t)d->a3;
		else {
			int shift = mask ? __builtin_ctz(mask) : 0;
			val = ((tcflag_t)v->i << shift) & mask;
		}
		*f = (*f & ~mask) | val;
		return 0;
	}
	case OH_TERMIOS_SPEED: {
		speed_t sp = (speed_t)d->a1;
		if (d->type != OT_CONST) {
			sp = (speed_t)v->i; /* a raw code unless it names a baud rate */
			for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
				if (speeds[i].baud == (unsigned long)v->i)
					sp = speeds[i].code;
		}
		if ((d->a2 != 2 && cfsetispeed(t, sp) < 0) || (d->a2 != 1 && cfsetospeed(t, sp) < 0))
			return opt_fail(v, ctx, errno, "invalid line speed");
		return 0;
	}
	case OH_TERMIOS_CC:
		t->c_cc[d->a1] = (cc_t)v->i;
		return 0;
	default:
		return 0;
	}
}

static int apply_sockopt(struct opt_value *v, struct opt_apply_ctx *ctx)
{
	const struct opt_def *d = v->def;
	const void *p;
	socklen_t len;
	int iv;
	unsigned char bv;
	struct linger lg;
	struct timeval tv;
	char what[64];

	if (v->null_value)
		return 0; /* INT/NULL given empty: nothing to set (suppresses automatic defaults) */
	if (!opt_need_fd(v, ctx))
		return -1;
	switch (d->type) {
	case OT_BYTE:
		bv = (unsigned char)v->i;
		p = &bv;
		len = 1;
		break;
	case OT_STRING:
		p = v->s ? v->s : "";
		len = (socklen_t)strlen(p) + 1;
		break;
	case OT_BIN:
		p = v->bin;
		len = (socklen_t)v->binlen;
		break;
	case OT_LINGER:
		lg.l_onoff = v->ints[0];
		lg.l_linger = v->ints[1];
		p = &lg;
		len = sizeof(lg);
		break;
	case OT_TIMEVAL:
	case OT_TIMESPEC:
		tv.tv_sec = v->ts.tv_sec;
		tv.tv_usec = v->ts.tv_nsec / 1000;
		p = &tv;
		len = sizeof(tv);
		break;
	case OT_INT3:
		p = v->ints;
		len = sizeof(v->ints);
		break;
	default:
		iv = (int)v->i;
		p = &iv;
		len = sizeof(iv);
		break;
	}
	if (setsockopt(ctx->fd, d->a1, d->a2, p, len) < 0) {
		snprintf(what, sizeof(what), "setsockopt(%d, %d, %d)", ctx->fd, d->a1, d->a2);
		return opt_fail(v, ctx, errno, what);
	}
	return 0;
}

static int apply_sockopt_call(struct opt_value *v, struct opt_apply_ctx *ctx)
{
	const void *p;
	socklen_t len;
	char what[64];

	if (!opt_need_fd(v, ctx))
		return -1;
	switch (v->def->type) {
	case OT_INT_INT_INT:
		p = &v->ints[2];
		len = sizeof(int);
		break;
	case OT_INT_INT_STRING:
		p = v->s ? v->s : "";
		len = (socklen_t)strlen(p) + 1;
		break;
	default:
		p = v->bin;
		len = (socklen_t)v->binlen;
		break;
	}
	if (setsockopt(ctx->fd, v->ints[0], v->ints[1], p, len) < 0) {
		snprintf(what, sizeof(what), "setsockopt(%d, %d, %d)", ctx->fd, v->ints[0], v->ints[1]);
		return opt_fail(v, ctx, errno, what);
	}
	return 0;
}

static int apply_ioctl(struct opt_value *v, struct opt_apply_ctx *ctx)
{
	const struct opt_def *d = v->def;
	unsigned long req;
	int rc, iv;
	char what[48];

	if (!opt_need_fd(v, ctx))
		return -1;
	if (d->a1) {
		req = (unsigned long)(unsigned int)d->a1;
		iv = (int)v->i;
		rc = ioctl(ctx->fd, req, &iv);
	} else {
		req = (unsigned long)(unsigned int)v->ints[0];
		switch (d->type) {
		case OT_INT_INT:
			rc = ioctl(ctx->fd, req, (long)v->ints[1]);
			break;
		case OT_INT_INTP:
			iv = v->ints[1];
			rc = ioctl(ctx->fd, req, &iv);
			break;
		case OT_INT_BIN:
			rc = ioctl(ctx->fd, req, v->bin);
			break;
		case OT_INT_STRING:
			rc = ioctl(ctx->fd, req, v->s);
			break;
		default:
			req = (unsigned long)(unsigned int)v->i;
			rc = ioctl(ctx->fd, req, NULL);
			break;
		}
	}
	if (rc < 0) {
		snprintf(what, sizeof(what), "ioctl(%d, 0x%lx)", ctx->fd, req);
		return opt_fail(v, ctx, errno, what);
	}
	return 0;
}

static int apply_fcntl(struct opt_value *v, struct opt_apply_ctx *ctx, bool fd_flags)
{
	int get = fd_flags ? F_GETFD : F_GETFL, set = fd_flags ? F_SETFD : F_SETFL;
	int fl;

	if (!opt_need_fd(v, ctx))
		return -1;
	fl = fcntl(ctx->fd, get);
	if (fl < 0)
		return opt_fail(v, ctx, errno, fd_flags ? "fcntl(F_GETFD)" : "fcntl(F_GETFL)");
	if (v->i)
		fl |= v->def->a1;
	else
		fl &= ~v->def->a1;
	if (fcntl(ctx->fd, set, fl) < 0)
		return opt_fail(v, ctx, errno, fd_flags ? "fcntl(F_SETFD)" : "fcntl(F_SETFL)");
	return 0;
}

static int apply_one(struct opt_value *v, struct opt_apply_ctx *ctx)
{
	const struct opt_def *d = v->def;

	v->used = true;
	switch (d->how) {
	case OH_NONE:
		return 0;
	case OH_SOCKOPT:
		return apply_sockopt(v, ctx);
	case OH_SOCKOPT_CALL:
		return apply_sockopt_call(v, ctx);
	case OH_FCNTL_FL:
		return apply_fcntl(v, ctx, false);
	case OH_FCNTL_FD:
		return apply_fcntl(v, ctx, true);
	case OH_OPEN_FLAG:
		if (d->a2)
			ctx->open_flags = (ctx->open_flags & ~d->a2) | (v->i ? d->a1 : 0);
		else if (v->i)
			ctx->open_flags |= d->a1;
		else
			ctx->open_flags &= ~d->a1;
		return 0;
	case OH_TERMIOS_FLAG:
	case OH_TERMIOS_VALUE:
	case OH_TERMIOS_SPEED:
	case OH_TERMIOS_CC:
		return apply_termios(v, ctx);
	case OH_IOCTL:
		return apply_ioctl(v, ctx);
	case OH_FUNC:
		return d->apply ? d->apply(v, ctx) : 0;
	}
	return 0;
}

int opt_apply_value(struct opt_value *v, struct opt_apply_ctx *ctx)
{
	if (!v || !v->def)
		return 0;
	return apply_one(v, ctx);
}

int opt_apply_phase(struct opt_list *l, enum opt_phase ph, struct opt_apply_ctx *ctx)
{
	int rc = 0;

	if (!l)
		return 0;
	/* perm= also gives the mode for open()/creat() (it is applied with fchmod in PH_FD). */
	if (ph == PH_OPEN) {
		for (size_t i = 0; i < l->n; i++)
			if (l->v[i].def && l->v[i].def->id == OPT_PERM)
				ctx->open_mode = (mode_t)l->v[i].i;
	}
	for (size_t i = 0; i < l->n; i++) {
		struct opt_value *v = &l->v[i];
		const struct opt_def *d = v->def;

		if (!d || v->used || d->phase != ph || d->how == OH_NONE)
			continue;
		if (!d->multi) {
			/* the last occurrence wins: skip this one if a later one exists */
			bool later = false;
			for (size_t j = i + 1; j < l->n && !later; j++)
				later = l->v[j].def == d && !l->v[j].used;
			if (later) {
				v->used = true;
				continue;
			}
		}
		if (apply_one(v, ctx) < 0)
			rc = -1;
	}
	return rc;
}

int opt_apply_termios_commit(struct opt_apply_ctx *ctx)
{
	if (!ctx || !ctx->termios || !ctx->termios_dirty)
		return 0;
	ctx->termios_dirty = false;
	if (tcsetattr(ctx->fd, TCSADRAIN, (struct termios *)ctx->termios) < 0) {
		logmsg(LOG_E, "address \"%s\": tcsetattr(%d): %s", aname(ctx), ctx->fd, strerror(errno));
		return -1;
	}
	return 0;
}

int opt_check_unused(const struct opt_list *l, const char *addrname)
{
	size_t n = 0;

	if (!l)
		return 0;
	for (size_t i = 0; i < l->n; i++)
		if (!l->v[i].used)
			n++;
	if (!n)
		return 0;
	for (size_t i = 0; i < l->n; i++)
		if (!l->v[i].used)
			logmsg(LOG_E, "option \"%s\" was accepted by address \"%s\" but never used (INTERNAL: %zu option(s) remained unused)",
			       l->v[i].typed_name ? l->v[i].typed_name : l->v[i].def->name, addrname ? addrname : "?", n);
	return -1;
}
