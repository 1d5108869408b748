/* An address's option list: each option looked up in the registry, checked against the
 * address's groups and its value parsed; copying, dropping and freeing such lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opt/opt_int.h"

static void value_free(struct opt_value *v)
{
	opt_value_clear(v);
	free(v->text);
	free((char *)v->typed_name);
	v->text = NULL;
	v->typed_name = NULL;
}

void opt_list_free(struct opt_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		value_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void opt_drop(struct opt_list *l, enum opt_id id)
{
	size_t k = 0;
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].def && l->v[i].def->id == id)
			value_free(&l->v[i]);
		else
			l->v[k++] = l->v[i];
	}
	l->n = k;
}

static char *xdup(const char *s, bool *fail)
{
	char *r;

	if (!s)
		return NULL;
	r = strdup(s);
	if (!r)
		*fail = true;
	return r;
}

int opt_list_copy(const struct opt_list *src, struct opt_list *dst)
{
	bool fail = false;

	dst->v = NULL;
	dst->n = 0;
	if (!src || !src->n)
		return 0;
	dst->v = calloc(src->n, sizeof(*dst->v));
	if (!dst->v)
		return -1;
	for (size_t i = 0; i < src->n; i++) {
		struct opt_value *d = &dst->v[i];
		const struct opt_value *s = &src->v[i];
		*d = *s;
		d->s = xdup(s->s, &fail);
		d->text = xdup(s->text, &fail);
		d->typed_name = xdup(s->typed_name, &fail);
		d->bin = NULL;
		if (s->bin) {
			d->bin = malloc(s->binlen ? s->binlen : 1);
			if (d->bin)
				memcpy(d->bin, s->bin, s->binlen);
			else
				fail = true;
		}
		dst->n = i + 1;
	}
	if (fail) {
		opt_list_free(dst);
		return -1;
	}
	return 0;
}

bool opt_group_ok(const struct opt_def *d, uint64_t groups)
{
	return d->groups == 0 || (d->groups & groups) || (d->groups & GRP_ANY);
}

int opt_parse_list(const struct opt_pair *pairs, size_t n, const char *addrname, uint64_t groups, bool nocheck,
		   struct opt_list *out, char *err, size_t errlen)
{
	char tmp[80], tmp2[80];

	out->v = NULL;
	out->n = 0;
	if (err && errlen)
		err[0] = '\0';
	if (!pairs || !n)
		return 0;
	out->v = calloc(n, sizeof(*out->v));
	if (!out->v)
		return opt_errf(err, errlen, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct opt_pair *o = &pairs[i];
		const struct opt_def *d = opt_lookup(o->name);
		struct opt_value *v = &out->v[out->n];

		if (!d) {
			const char *sug = opt_suggest(o->name);
			if (sug)
				opt_errf(err, errlen, "unknown option \"%s\" on address \"%s\"; did you mean \"%s\"?",
					 opt_safe_text(tmp, sizeof(tmp), o->name),
					 opt_safe_text(tmp2, sizeof(tmp2), addrname), sug);
			else
				opt_errf(err, errlen, "unknown option \"%s\" on address \"%s\"",
					 opt_safe_text(tmp, sizeof(tmp), o->name),
					 opt_safe_text(tmp2, sizeof(tmp2), addrname));
			goto fail;
		}
		if (!nocheck && !opt_group_ok(d, groups)) {
			char gs[256], og[128];
			opt_groups_str(groups | GRP_ANY, false, gs, sizeof(gs));
			opt_groups_str(d->groups, false, og, sizeof(og));
			opt_errf(err, errlen, "option \"%s\" not supported with this address type \"%s\" (it accepts options of groups %s; \"%s\" belongs to %s)",
				 opt_safe_text(tmp, sizeof(tmp), o->name), opt_safe_text(tmp2, sizeof(tmp2), addrname),
				 gs, d->name, og);
			goto fail;
		}
		bool fail = false;
		v->typed_name = xdup(o->name, &fail);
		v->text = xdup(o->text ? o->text : o->name, &fail);
		if (fail) {
			free((char *)v->typed_name);
			free(v->text);
			opt_errf(err, errlen, "out of memory");
			goto fail;
		}
		out->n++;
		if (opt_parse_value(d, o->value, v, err, errlen) < 0)
			goto fail;
	}
	return 0;
fail:
	opt_list_free(out);
	return -1;
}
