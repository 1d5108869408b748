/* The option registry: gathers the family tables, builds a sorted name index once, and
 * provides lookup, iteration and the group/phase/type name tables. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opt/opt_int.h"

static const struct opt_table tables[] = {
	{ "fd", opt_rows_fd },
	{ "file", opt_rows_file },
	{ "socket", opt_rows_socket },
	{ "ip", opt_rows_ip },
	{ "tcp", opt_rows_tcp },
	{ "udp_unix", opt_rows_udp_unix },
	{ "termios", opt_rows_termios },
	{ "process", opt_rows_process },
	{ "appl", opt_rows_appl },
	{ "exec", opt_rows_exec },
	{ "listen", opt_rows_listen },
	{ "pty_readline", opt_rows_pty_readline },
	{ "tls", opt_rows_tls },
	{ "proxy", opt_rows_proxy },
	{ "interface", opt_rows_interface },
	{ "posixmq", opt_rows_posixmq },
	{ "ws", opt_rows_ws },
	{ NULL, NULL },
};

const struct opt_table *opt_tables(void)
{
	return tables;
}

struct name_ent {
	const char *name;
	const struct opt_def *def;
	bool alias;
};

static struct name_ent *idx;
static size_t nidx, ncanon;
static const struct opt_def *by_id[OPT_ID_COUNT];

static int ent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct name_ent *)a)->name, ((const struct name_ent *)b)->name);
}

static void build_index(void)
{
	size_t n = 0, k = 0;

	if (idx)
		return;
	for (const struct opt_table *t = tables; t->family; t++)
		for (const struct opt_def *d = t->rows; d->name; d++) {
			n++;
			for (const char *const *a = d->aliases; a && *a; a++)
				n++;
		}
	idx = calloc(n ? n : 1, sizeof(*idx));
	if (!idx)
		abort();
	for (const struct opt_table *t = tables; t->family; t++)
		for (const struct opt_def *d = t->rows; d->name; d++) {
			idx[k++] = (struct name_ent){ d->name, d, false };
			ncanon++;
			for (const char *const *a = d->aliases; a && *a; a++)
				idx[k++] = (struct name_ent){ *a, d, true };
			if (d->id > OPT_NONE && d->id < OPT_ID_COUNT && !by_id[d->id])
				by_id[d->id] = d;
		}
	nidx = k;
	qsort(idx, nidx, sizeof(*idx), ent_cmp);
}

const struct opt_def *opt_lookup(const char *name)
{
	char low[64];
	size_t i;
	struct name_ent key, *e;

	if (!name)
		return NULL;
	for (i = 0; name[i]; i++) {
		if (i + 1 >= sizeof(low))
			return NULL;
		low[i] = (char)tolower((unsigned char)name[i]);
	}
	low[i] = '\0';
	build_index();
	key.name = low;
	e = bsearch(&key, idx, nidx, sizeof(*idx), ent_cmp);
	return e ? e->def : NULL;
}

void opt_foreach(void (*fn)(const char *name, const struct opt_def *def, bool is_alias, void *arg), void *arg)
{
	build_index();
	for (size_t i = 0; i < nidx; i++)
		fn(idx[i].name, idx[i].def, idx[i].alias, arg);
}

const struct opt_def *opt_by_id(enum opt_id id)
{
	build_index();
	if ((int)id <= OPT_NONE || id >= OPT_ID_COUNT)
		return NULL;
	return by_id[id];
}

size_t opt_count_canonical(void)
{
	build_index();
	return ncanon;
}

size_t opt_count_names(void)
{
	build_index();
	return nidx;
}

/* Case-insensitive edit distance with adjacent transpositions counting as one edit (optimal
 * string alignment); names are short, longer inputs are capped at 64 chars. */
static int edit_distance(const char *a, const char *b)
{
	int pprev[65], prev[65], cur[65];
	size_t la = strlen(a), lb = strlen(b);

	if (la > 64)
		la = 64;
	if (lb > 64)
		lb = 64;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int c = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			int m = prev[j - 1] + c;
			if (prev[j] + 1 < m)
				m = prev[j] + 1;
			if (cur[j - 1] + 1 < m)
				m = cur[j - 1] + 1;
			if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) && pprev[j - 2] + 1 < m)
				m = pprev[j - 2] + 1;
			cur[j] = m;
		}
		memcpy(pprev, prev, sizeof(int) * (lb + 1));
		memcpy(prev, cur, sizeof(int) * (lb + 1));
	}
	return prev[lb];
}

const char *opt_suggest(const char *name)
{
	const char *best = NULL;
	bool best_alias = true;
	int bestd = 1 << 30, limit;
	size_t len;

	if (!name || !*name)
		return NULL;
	build_index();
	len = strlen(name);
	/* Accept up to a third of the length (at least 1, at most 3) edits. */
	limit = (int)(len / 3);
	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	for (size_t i = 0; i < nidx; i++) {
		size_t l2 = strlen(idx[i].name);
		if ((l2 > len ? l2 - len : len - l2) > (size_t)limit)
			continue;
		int dd = edit_distance(name, idx[i].name);
		/* prefer canonical names on ties */
		if (dd < bestd || (dd == bestd && best_alias && !idx[i].alias)) {
			bestd = dd;
			best = idx[i].name;
			best_alias = idx[i].alias;
		}
	}
	return bestd <= limit ? best : NULL;
}

static const char *const group_names[GB_COUNT] = {
	"FD", "FIFO", "CHR", "BLK", "REG", "SOCKET", "READLINE", "NAMED", "OPEN", "EXEC",
	"FORK", "LISTEN", "SHELL", "CHILD", "RETRY", "TERMIOS", "RANGE", "PTY", "PARENT",
	"UNIX", "IP4", "IP6", "INTERFACE", "UDP", "TCP", "SOCKS", "OPENSSL", "PROCESS",
	"APPL", "HTTP", "POSIXMQ", "SCTP", "DCCP", "UDPLITE", "WS",
};

const char *opt_group_name(enum opt_group_bit b)
{
	return (int)b >= 0 && b < GB_COUNT ? group_names[b] : "?";
}

void opt_groups_str(uint64_t groups, bool for_help, char *buf, size_t len)
{
	size_t off = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (int b = 0; b < GB_COUNT; b++) {
		if (!(groups & (UINT64_C(1) << b)))
			continue;
		if (for_help && b >= 32)
			continue;
		int n = snprintf(buf + off, len - off, "%s%s", off ? "," : "", group_names[b]);
		if (n < 0 || (size_t)n >= len - off) {
			buf[len - 1] = '\0';
			return;
		}
		off += (size_t)n;
	}
}

static const char *const phase_names[PH_COUNT] = {
	"OFFSET", "INIT", "EARLY", "PREOPEN", "OPEN", "PASTOPEN", "PRESOCKET", "SOCKET",
	"PASTSOCKET", "PREBIGEN", "BIGEN", "PASTBIGEN", "FD", "PREBIND", "BIND", "PASTBIND",
	"PRELISTEN", "LISTEN", "PASTLISTEN", "PRECONNECT", "CONNECT", "PASTCONNECT",
	"PREACCEPT", "ACCEPT", "PASTACCEPT", "CONNECTED", "PREFORK", "FORK", "PASTFORK",
	"LATE", "LATE2", "PREEXEC", "EXEC", "PASTEXEC", "SPECIFIC",
};

const char *opt_phase_name(enum opt_phase p)
{
	return (int)p >= 0 && p < PH_COUNT ? phase_names[p] : "?";
}

static const char *const type_names[OT_COUNT] = {
	"CONST", "BOOL", "BYTE", "INT", "INT/NULL", "LONG", "LONG-LONG", "SHORT", "UNSIGNED-INT",
	"UNSIGNED-LONG", "UNSIGNED-SHORT", "SIZE_T", "OFF_T", "OFF64_T", "MODE_T", "UID_T", "GID_T",
	"STRING", "STRING-NULL", "BIN", "STRUCT-TIMEVAL", "STRUCT-TIMESPEC", "STRUCT-LINGER", "INT[3]",
	"INT:INT", "INT:INTP", "INT:BIN", "INT:STRING", "INT:INT:INT", "INT:INT:BIN", "INT:INT:STRING",
	"INT:INT:GENERIC", "IP4NAME", "IP4SOCK", "STRUCT-IP_MREQN", "IP-MREQ-SOURCE", "GENERIC",
	"SOCKADDR", "DOUBLE", "PTRDIFF",
};

const char *opt_type_name(enum opt_type t)
{
	return (int)t >= 0 && t < OT_COUNT ? type_names[t] : "?";
}

static size_t put_tabs(char *buf, size_t len, size_t off, int n)
{
	while (n-- > 0 && off + 1 < len)
		buf[off++] = '\t';
	buf[off < len ? off : len - 1] = '\0';
	return off;
}

static size_t put_str(char *buf, size_t len, size_t off, const char *s)
{
	int n;

	if (off >= len)
		return off;
	n = snprintf(buf + off, len - off, "%s", s);
	if (n < 0)
		return off;
	return (size_t)n >= len - off ? len - 1 : off + (size_t)n;
}

void opt_help_line(const struct opt_def *d, const char *name, bool alias, char *buf, size_t len)
{
	char field[160], groups[128];
	size_t off = 0;
	int l;

	if (!len)
		return;
	buf[0] = '\0';
	off = put_str(buf, len, off, "      ");
	off = put_str(buf, len, off, name);
	l = (int)strlen(name);
	/* at least one tab, also after names of 32 characters or more (socat's column always
	 * ends with one) */
	int nt = (16 - l + 7) / 8 + 1;
	off = put_tabs(buf, len, off, nt < 1 ? 1 : nt);
	if (alias) {
		off = put_str(buf, len, off, "is an alias for ");
		put_str(buf, len, off, d->name);
		return;
	}
	opt_groups_str(d->groups, false, groups, sizeof(groups));
	snprintf(field, sizeof(field), "groups=%s", groups);
	off = put_str(buf, len, off, field);
	off = put_tabs(buf, len, off, (24 - (int)strlen(field) + 7) / 8);
	/* Real phase: socat 1.8's -hhh prints the name of the following phase by mistake. */
	snprintf(field, sizeof(field), "phase=%s", opt_phase_name(d->phase));
	off = put_str(buf, len, off, field);
	off = put_tabs(buf, len, off, (24 - (int)strlen(field) + 7) / 8);
	off = put_str(buf, len, off, "type=");
	put_str(buf, len, off, opt_type_name(d->type));
}
