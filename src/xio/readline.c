/* READLINE: line editing and history on the terminal, through GNU readline's callback
 * interface so the event loop keeps running while the user types. Output from the other side
 * is written above the input line; its last unfinished line becomes the prompt (unless
 * noprompt or prompt=), as socat does; noecho=REGEX hides the input that follows a prompt
 * matching REGEX (passwords). */
#include <errno.h>
#include <poll.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "common/log.h"
#include "xio/xio.h"

struct rl_state {
	char *lines;        /* complete input lines ready for the engine */
	size_t len, cap, off;
	bool eof;
	char *history_file;
	char *fixed_prompt;
	bool noprompt;
	bool have_noecho;
	regex_t noecho;
	char prompt[256];   /* current prompt (derived from output unless fixed/none) */
	bool hiding;        /* current input is hidden (noecho matched the prompt) */
};

/* readline's callback interface is process-global: one READLINE address per process. */
static struct rl_state *the_rl;

static void (*saved_redisplay)(void);

static void hidden_redisplay(void)
{
	/* Show the prompt only, never the characters typed. */
	const char *p = rl_display_prompt ? rl_display_prompt : "";
	printf("\r%s\033[K", p);
	fflush(stdout);
}

static void set_prompt(struct rl_state *st, const char *p)
{
	snprintf(st->prompt, sizeof st->prompt, "%s", p);
	st->hiding = st->have_noecho && regexec(&st->noecho, st->prompt, 0, NULL, 0) == 0;
	rl_redisplay_function = st->hiding ? hidden_redisplay : saved_redisplay;
	rl_set_prompt(st->prompt);
}

static void on_line(char *line)
{
	struct rl_state *st = the_rl;
	if (!st)
		return;
	if (st->hiding) {
		/* readline's own display never showed this line, so it does not move on to the next
		 * screen line either: do it here, leaving the prompt in view. */
		fputs("\r\n", stdout);
		fflush(stdout);
	}
	if (!line) {
		st->eof = true;
		return;
	}
	size_t l = strlen(line);
	if (st->len + l + 1 > st->cap) {
		size_t ncap = (st->len + l + 1) * 2;
		char *nb = realloc(st->lines, ncap);
		if (!nb) {
			free(line);
			return;
		}
		st->lines = nb;
		st->cap = ncap;
	}
	memcpy(st->lines + st->len, line, l);
	st->lines[st->len + l] = '\n';
	st->len += l + 1;
	if (*line && !st->hiding)
		add_history(line);
	free(line);
	/* socat: after a line, the prompt derived from output is used up. */
	if (!st->fixed_prompt)
		set_prompt(st, "");
}

static ssize_t rl_read(struct endpoint *ep, void *buf, size_t len)
{
	struct rl_state *st = ep->ctx;
	for (;;) {
		if (st->len > st->off) {
			size_t n = st->len - st->off < len ? st->len - st->off : len;
			memcpy(buf, st->lines + st->off, n);
			st->off += n;
			if (st->off == st->len)
				st->off = st->len = 0;
			return (ssize_t)n;
		}
		if (st->eof)
			return 0;
		struct pollfd pfd = { .fd = ep->rfd, .events = POLLIN };
		if (poll(&pfd, 1, 0) <= 0 || !(pfd.revents & (POLLIN | POLLHUP))) {
			errno = EAGAIN;
			return -1;
		}
		rl_callback_read_char();
	}
}

static ssize_t rl_write(struct endpoint *ep, const void *buf, size_t len)
{
	struct rl_state *st = ep->ctx;
	const char *b = buf;
	const char *nl = memrchr(b, '\n', len);
	size_t complete = nl ? (size_t)(nl - b) + 1 : 0;

	/* Take the input line off the screen, print, and put it back under the new prompt. */
	char *saved = rl_copy_text(0, rl_end);
	int point = rl_point;
	rl_set_prompt("");
	rl_replace_line("", 0);
	rl_redisplay();
	printf("\r\033[K");
	fwrite(b, 1, complete, stdout);
	if (!st->fixed_prompt && !st->noprompt) {
		/* The prompt is the output's last unfinished line; output without a newline
		 * extends the prompt shown so far. */
		char p[256];
		size_t keep = complete ? 0 : strlen(st->prompt);
		size_t pl = len - complete;
		if (keep + pl > sizeof p - 1)
			pl = sizeof p - 1 - keep;
		memcpy(p, st->prompt, keep);
		memcpy(p + keep, b + complete, pl);
		p[keep + pl] = 0;
		set_prompt(st, p);
	} else if (st->noprompt) {
		fwrite(b + complete, 1, len - complete, stdout);
		set_prompt(st, "");
	} else {
		fwrite(b + complete, 1, len - complete, stdout);
		set_prompt(st, st->fixed_prompt);
	}
	fflush(stdout);
	rl_replace_line(saved ? saved : "", 0);
	rl_point = point;
	free(saved);
	rl_forced_update_display();
	return (ssize_t)len;
}

static void rl_close(struct endpoint *ep)
{
	struct rl_state *st = ep->ctx;
	/* Ended while a prompt or a line was on screen (a signal, the other side closing): move
	 * to a new line, so what comes next (the shell's prompt) does not land on it. */
	if (st && !st->eof && (rl_end > 0 || (rl_prompt && *rl_prompt))) {
		fputs("\r\n", stdout);
		fflush(stdout);
	}
	rl_callback_handler_remove(); /* restores the terminal */
	rl_redisplay_function = saved_redisplay;
	if (st) {
		if (st->history_file && write_history(st->history_file) != 0)
			WARN("READLINE: writing history file \"%s\": %s", st->history_file, strerror(errno));
		free(st->history_file);
		free(st->fixed_prompt);
		if (st->have_noecho)
			regfree(&st->noecho);
		free(st->lines);
		free(st);
	}
	the_rl = NULL;
	ep->ctx = NULL;
	ep->rfd = ep->wfd = -1; /* stdio stays open */
}

static const struct endpoint_ops rl_ops = {
	.read = rl_read,
	.write = rl_write,
	.close = rl_close,
};

static int readline_open(struct xio_open *op)
{
	if (the_rl) {
		ERR("%s: only one READLINE address per process", op->typed);
		return -1;
	}
	struct rl_state *st = calloc(1, sizeof *st);
	struct endpoint *ep = endpoint_new();
	if (!st || !ep) {
		free(st);
		if (ep)
			endpoint_close(ep);
		ERR("%s: out of memory", op->typed);
		return -1;
	}
	const char *s;
	if (opt_take_str(&op->opts, OPT_HISTORY, &s))
		st->history_file = strdup(s);
	if (opt_take_str(&op->opts, OPT_PROMPT, &s))
		st->fixed_prompt = strdup(s);
	opt_take_bool(&op->opts, OPT_NOPROMPT, &st->noprompt);
	if (opt_take_str(&op->opts, OPT_NOECHO, &s)) {
		int rc = regcomp(&st->noecho, s, REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			char msg[128];
			regerror(rc, &st->noecho, msg, sizeof msg);
			ERR("%s: noecho=%s: not a valid regular expression: %s", op->typed, s, msg);
			free(st->history_file);
			free(st->fixed_prompt);
			free(st);
			endpoint_close(ep);
			return -1;
		}
		st->have_noecho = true;
	}
	ep->rfd = 0;
	ep->wfd = 1;
	ep->ops = &rl_ops;
	ep->ctx = st;
	ep->flags |= EPF_NOSPLICE | EPF_ISTTY;
	if (op->dir & XIO_RDONLY)
		ep->flags |= EPF_READ;
	if (op->dir & XIO_WRONLY)
		ep->flags |= EPF_WRITE;
	snprintf(ep->desc, sizeof ep->desc, "readline");

	struct opt_apply_ctx ctx = { .fd = 0, .addrname = op->typed, .open_mode = 0666 };
	if (opt_apply_phase(&op->opts, PH_FD, &ctx) < 0 || opt_apply_termios_commit(&ctx) < 0 ||
	    xio_take_appl_opts(op, ep) < 0) {
		endpoint_close(ep); /* rl_close frees st */
		return -1;
	}
	NOTE("using readline on stdin for reading and stdout for writing");
	using_history();
	if (st->history_file)
		read_history(st->history_file); /* a missing file is fine: it is created at exit */
	the_rl = st;
	saved_redisplay = rl_redisplay;
	rl_catch_signals = 0; /* the loop owns signals; rl_close restores the terminal */
	rl_catch_sigwinch = 0;
	rl_callback_handler_install("", on_line);
	set_prompt(st, st->fixed_prompt && !st->noprompt ? st->fixed_prompt : "");
	rl_forced_update_display();
	xio_finish(op, ep);
	return 0;
}

const struct xio_handler xio_readline = {
	.name = "READLINE",
	.usage = "",
	.min_params = 0,
	.max_params = 0,
	.groups = G(FD) | G(READLINE) | G(TERMIOS),
	.dirs = XIO_RDWR,
	.open = readline_open,
	.help = "line editing and history (GNU readline) on the terminal; the last output line is the prompt",
};
