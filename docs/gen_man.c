/* Writes the address and option lists of docs/duct.1 from the handler table and the option
 * registry, so the man page names every address type and option that exists.
 *   gen_man FILE          rewrite the generated parts of FILE in place
 *   gen_man --check FILE  exit 1 if FILE is not up to date (run by make check) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opt/opt.h"
#include "xio/xio.h"

struct buf {
	char *p;
	size_t n, cap;
};

static void put(struct buf *b, const char *s)
{
	size_t l = strlen(s);
	if (b->n + l + 1 > b->cap) {
		b->cap = (b->n + l + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			exit(2);
	}
	memcpy(b->p + b->n, s, l + 1);
	b->n += l;
}

/* Text safe for mdoc: backslashes escaped, no line starting with a control character. */
static void put_text(struct buf *b, const char *s)
{
	if (*s == '.' || *s == '\'')
		put(b, "\\&");
	for (; *s; s++) {
		char c[3] = { *s, 0, 0 };
		put(b, *s == '\\' ? "\\e" : c);
	}
}

static int cmp_handler(const void *a, const void *b)
{
	return strcmp((*(const struct xio_handler *const *)a)->name, (*(const struct xio_handler *const *)b)->name);
}

static void addresses(struct buf *b)
{
	const struct xio_handler *const *hs = xio_handlers();
	size_t n = 0;
	while (hs[n])
		n++;
	const struct xio_handler **v = malloc(n * sizeof *v);
	memcpy(v, hs, n * sizeof *v);
	qsort(v, n, sizeof *v, cmp_handler);
	put(b, ".Ss Address types\n.Bl -tag -width Ds\n");
	for (size_t i = 0; i < n; i++) {
		char groups[256];
		opt_groups_str(v[i]->groups, false, groups, sizeof groups);
		put(b, ".It Cm ");
		put_text(b, v[i]->name);
		if (v[i]->usage && *v[i]->usage) {
			put(b, " Ns Ar ");
			put(b, "\"");
			put_text(b, v[i]->usage);
			put(b, "\"");
		}
		put(b, "\n");
		if (v[i]->help) {
			put_text(b, v[i]->help);
			put(b, "\n");
		}
		if (v[i]->aliases && v[i]->aliases[0]) {
			put(b, "Aliases:");
			for (const char *const *a = v[i]->aliases; *a; a++) {
				put(b, *a == v[i]->aliases[0] ? " " : ", ");
				put_text(b, *a);
			}
			put(b, ".\n");
		}
		put(b, "Groups: ");
		put(b, groups);
		put(b, ".\n");
	}
	put(b, ".El\n");
	free(v);
}

static void options(struct buf *b)
{
	const struct opt_table *t = opt_tables();
	for (; t->family; t++) {
		size_t n = 0;
		while (t->rows[n].name)
			n++;
		put(b, ".Ss Options: ");
		put_text(b, t->family);
		put(b, "\n.Bl -tag -width Ds\n");
		for (size_t i = 0; i < n; i++) {
			const struct opt_def *d = &t->rows[i];
			char groups[256];
			opt_groups_str(d->groups, false, groups, sizeof groups);
			put(b, ".It Cm ");
			put_text(b, d->name);
			put(b, "\n");
			if (d->help) {
				put_text(b, d->help);
				put(b, "\n");
			}
			put(b, "Type ");
			put(b, opt_type_name(d->type));
			put(b, ", phase ");
			put(b, opt_phase_name(d->phase));
			put(b, ", groups ");
			put(b, *groups ? groups : "(any)");
			if (d->aliases && d->aliases[0]) {
				put(b, "; aliases");
				for (const char *const *a = d->aliases; *a; a++) {
					put(b, *a == d->aliases[0] ? " " : ", ");
					put_text(b, *a);
				}
			}
			put(b, ".\n");
		}
		put(b, ".El\n");
	}
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	struct buf b = { 0 };
	char chunk[4096];
	size_t r;
	while ((r = fread(chunk, 1, sizeof chunk - 1, f)) > 0) {
		chunk[r] = 0;
		put(&b, chunk);
	}
	fclose(f);
	*len = b.n;
	return b.p ? b.p : strdup("");
}

/* Replace what stands between the BEGIN and END marker lines of `what`. */
static int splice_part(struct buf *out, const char *in, const char *what, void (*gen)(struct buf *))
{
	char begin[64], end[64];
	snprintf(begin, sizeof begin, ".\\\" BEGIN GENERATED %s", what);
	snprintf(end, sizeof end, ".\\\" END GENERATED %s", what);
	const char *b = strstr(in, begin), *e = strstr(in, end);
	if (!b || !e || e < b)
		return -1;
	const char *bl = strchr(b, '\n');
	if (!bl)
		return -1;
	char *pre = strndup(in, (size_t)(bl + 1 - in));
	put(out, pre);
	free(pre);
	gen(out);
	put(out, e);
	return 0;
}

int main(int argc, char **argv)
{
	int check = argc > 2 && !strcmp(argv[1], "--check");
	const char *path = argv[argc - 1];
	if (argc < 2) {
		fprintf(stderr, "usage: gen_man [--check] docs/duct.1\n");
		return 2;
	}
	size_t len;
	char *in = slurp(path, &len);
	if (!in) {
		perror(path);
		return 2;
	}
	struct buf a = { 0 }, o = { 0 };
	if (splice_part(&a, in, "ADDRESSES", addresses) < 0 || splice_part(&o, a.p, "OPTIONS", options) < 0) {
		fprintf(stderr, "%s: generated-part markers not found\n", path);
		return 2;
	}
	if (check) {
		if (strcmp(o.p, in)) {
			fprintf(stderr, "%s is out of date: run `make man-update`\n", path);
			return 1;
		}
		return 0;
	}
	FILE *f = fopen(path, "w");
	if (!f || fputs(o.p, f) < 0 || fclose(f) != 0) {
		perror(path);
		return 2;
	}
	return 0;
}
