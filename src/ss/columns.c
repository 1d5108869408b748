/* ss's text table: cells are buffered per row, then every column is sized to its widest cell
 * (header included). On a terminal the spare width is spread over the columns the way ss 6.1
 * does it; when stdout is not a terminal the table is compact. Left-aligned cells are padded on
 * the right, so rows carry trailing blanks, exactly like ss. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ss/columns.h"
#include "ss/ss_int.h"

struct column {
	bool right;
	const char *ldelim;
	const char *header;
	bool disabled;
	size_t max_len;
	int width;
};

/* The buffered rows: all cell text in one growing buffer; per row COL_MAX (offset,len) pairs. */
struct table {
	struct column col[COL_MAX];
	char *text;
	size_t text_len, text_cap;
	uint32_t (*cells)[COL_MAX][2];
	size_t nrows, rows_cap;
	int screen_width;
	bool is_tty;
	/* ss sizes a column when a cell is closed, and the very last cell before rendering is
	 * never closed: the final row's Process cell does not count towards that column's width */
	size_t pending_proc;
};

/* The row being built. */
struct row {
	char cell[COL_MAX][4096];
	size_t len[COL_MAX];
	char *proc; /* Process cells can get long (-i, -p with many users) */
	size_t proc_len, proc_cap;
	int col;
};

static struct table tab = {
	.col = {
		{ false, "", "Netid", false, 0, 0 },
		{ false, " ", "State", false, 0, 0 },
		{ false, " ", "Recv-Q", false, 0, 0 },
		{ false, " ", "Send-Q", false, 0, 0 },
		{ true, " ", "Local Address:", false, 0, 0 },
		{ false, "", "Port", false, 0, 0 },
		{ true, " ", "Peer Address:", false, 0, 0 },
		{ false, "", "Port", false, 0, 0 },
		{ false, "", "Process", false, 0, 0 },
	},
	.screen_width = 80,
};
static struct row cur;

void ss_cell(int col)
{
	cur.col = col;
}

int ss_cell_current(void)
{
	return cur.col;
}

void ss_cellf(const char *fmt, ...)
{
	va_list ap;
	char tmp[4096];
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof tmp)
		n = sizeof tmp - 1;
	if (cur.col == COL_PROC) {
		if (cur.proc_len + (size_t)n + 1 > cur.proc_cap) {
			cur.proc_cap = (cur.proc_len + (size_t)n + 1) * 2;
			cur.proc = realloc(cur.proc, cur.proc_cap);
			if (!cur.proc)
				abort();
		}
		memcpy(cur.proc + cur.proc_len, tmp, (size_t)n);
		cur.proc_len += (size_t)n;
		return;
	}
	size_t room = sizeof cur.cell[0] - 1 - cur.len[cur.col];
	if ((size_t)n > room)
		n = (int)room;
	memcpy(cur.cell[cur.col] + cur.len[cur.col], tmp, (size_t)n);
	cur.len[cur.col] += (size_t)n;
}

static void text_append(struct table *t, const char *p, size_t n, uint32_t *off)
{
	if (t->text_len + n > t->text_cap) {
		t->text_cap = (t->text_len + n) * 2 + 65536;
		t->text = realloc(t->text, t->text_cap);
		if (!t->text)
			abort();
	}
	memcpy(t->text + t->text_len, p, n);
	*off = (uint32_t)t->text_len;
	t->text_len += n;
}

void ss_row_end(void)
{
	struct table *t = &tab;
	if (t->pending_proc > t->col[COL_PROC].max_len)
		t->col[COL_PROC].max_len = t->pending_proc;
	t->pending_proc = 0;
	if (t->nrows == t->rows_cap) {
		t->rows_cap = t->rows_cap ? t->rows_cap * 2 : 1024;
		t->cells = realloc(t->cells, t->rows_cap * sizeof *t->cells);
		if (!t->cells)
			abort();
	}
	for (int c = 0; c < COL_MAX; c++) {
		const char *p = c == COL_PROC ? cur.proc : cur.cell[c];
		size_t n = c == COL_PROC ? cur.proc_len : cur.len[c];
		uint32_t off = 0;
		if (n)
			text_append(t, p, n, &off);
		t->cells[t->nrows][c][0] = off;
		t->cells[t->nrows][c][1] = (uint32_t)n;
		if (c == COL_PROC)
			t->pending_proc = n;
		else if (!t->col[c].disabled && n > t->col[c].max_len)
			t->col[c].max_len = n;
		cur.len[c] = 0;
	}
	cur.proc_len = 0;
	t->nrows++;
	cur.col = 0;
	/* keep memory bounded on huge listings, as ss renders in batches */
	if (t->text_len > (size_t)48 << 20)
		ss_table_flush();
}

void ss_table_init(bool netid_off, bool state_off)
{
	tab.col[COL_NETID].disabled = netid_off;
	tab.col[COL_STATE].disabled = state_off;
	tab.is_tty = isatty(STDOUT_FILENO);
	if (tab.is_tty) {
		struct winsize w;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) != -1 && w.ws_col > 0)
			tab.screen_width = w.ws_col;
	}
}

void ss_table_header(void)
{
	for (int c = 0; c < COL_MAX; c++) {
		ss_cell(c);
		ss_cellf("%s", tab.col[c].header);
	}
	ss_row_end();
}

/* On a terminal: the spare width of each screen line is spread over its columns. */
static void spread_width(struct table *t)
{
	struct column *columns = t->col;
	int screen_width = t->screen_width;
	int len = 0, linecols = 0, eol = -1;
	for (int i = 0; i < COL_MAX; i++) {
		struct column *c = &columns[i];
		if (!c->width)
			continue;
		linecols++;
		len += c->width;
		bool last = true;
		for (int j = i + 1; j < COL_MAX; j++)
			if (columns[j].width) {
				last = false;
				break;
			}
		if (!last && len < screen_width)
			continue;
		if (len != screen_width) {
			if (len > screen_width) {
				len -= c->width;
				i--;
				linecols--;
			}
			int pad = screen_width - len;
			int spacing = linecols ? pad / linecols : 0;
			int rem = linecols ? pad % linecols : 0;
			for (int k = i; k > eol; k--) {
				if (!columns[k].width)
					continue;
				columns[k].width += spacing;
				if (rem) {
					columns[k].width++;
					rem--;
				}
			}
		}
		eol = i;
		len = 0;
		linecols = 0;
	}
}

static void calc_width(struct table *t)
{
	bool first = true;
	for (int i = 0; i < COL_MAX; i++) {
		struct column *c = &t->col[i];
		if (c->disabled) {
			c->width = 0;
			continue;
		}
		if (!first && c->max_len)
			c->width = (int)(c->max_len + strlen(c->ldelim));
		else
			c->width = (int)c->max_len;
		if (t->is_tty && c->width > t->screen_width)
			c->width = t->screen_width;
		if (c->width)
			first = false;
	}
	if (t->is_tty)
		spread_width(t);
}

static char spaces[256];

static void pad(int n)
{
	while (n > 0) {
		int k = n > (int)sizeof spaces ? (int)sizeof spaces : n;
		ss_out_write(spaces, (size_t)k);
		n -= k;
	}
}

static void render_row(const struct table *t, size_t r)
{
	bool started = false;
	for (int i = 0; i < COL_MAX; i++) {
		const struct column *f = &t->col[i];
		if (f->disabled)
			continue;
		if (!started && !f->width) /* ss skips leading empty columns */
			continue;
		int printed = 0;
		if (started) {
			size_t dl = strlen(f->ldelim);
			ss_out_write(f->ldelim, dl);
			printed = (int)dl;
		}
		started = true;
		uint32_t off = t->cells[r][i][0], n = t->cells[r][i][1];
		if (f->width && f->right) {
			int s = f->width - (int)n - printed;
			if (s > 0) {
				pad(s);
				printed += s;
			}
		}
		ss_out_write(t->text + off, n);
		printed += (int)n;
		if (f->width && !f->right)
			pad(f->width - printed);
	}
	ss_out_write("\n", 1);
}

void ss_table_flush(void)
{
	struct table *t = &tab;
	if (!t->nrows)
		return;
	if (!spaces[0])
		memset(spaces, ' ', sizeof spaces);
	t->pending_proc = 0;
	calc_width(t);
	for (size_t r = 0; r < t->nrows; r++)
		render_row(t, r);
	t->nrows = 0;
	t->text_len = 0;
}
