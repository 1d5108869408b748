/* max-per-ip= (see per_ip.h): a small table of the client addresses with live sessions,
 * searched linearly (it holds at most one row per connected client). */
#include "xio/per_ip.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

struct row {
	unsigned char addr[16]; /* IPv4 as v4-mapped IPv6 */
	unsigned n;
};

struct per_ip {
	unsigned max;
	struct row *rows;
	size_t nrows, cap;
	size_t live;     /* sessions counted, all rows */
	bool orphaned;   /* the listener has gone: free with the last session */
};

struct ticket {
	struct per_ip *t;
	unsigned char addr[16];
};

struct per_ip *per_ip_new(unsigned max)
{
	struct per_ip *t = calloc(1, sizeof *t);
	if (t)
		t->max = max;
	return t;
}

static void table_free(struct per_ip *t)
{
	free(t->rows);
	free(t);
}

void per_ip_release(struct per_ip *t)
{
	if (!t)
		return;
	if (t->live == 0)
		table_free(t);
	else
		t->orphaned = true;
}

unsigned per_ip_max(const struct per_ip *t)
{
	return t->max;
}

static bool key_of(const struct sockaddr *sa, unsigned char key[16])
{
	if (sa->sa_family == AF_INET6) {
		memcpy(key, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		return true;
	}
	if (sa->sa_family == AF_INET) {
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		memcpy(key, mapped, 12);
		memcpy(key + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return true;
	}
	return false;
}

static struct row *find(struct per_ip *t, const unsigned char key[16])
{
	for (size_t i = 0; i < t->nrows; i++)
		if (!memcmp(t->rows[i].addr, key, 16))
			return &t->rows[i];
	return NULL;
}

static void on_close(void *arg)
{
	struct ticket *k = arg;
	struct per_ip *t = k->t;
	struct row *r = find(t, k->addr);
	if (r && --r->n == 0)
		*r = t->rows[--t->nrows];
	t->live--;
	free(k);
	if (t->orphaned && t->live == 0)
		table_free(t);
}

bool per_ip_admit(struct per_ip *t, const struct sockaddr *sa, struct endpoint *ep)
{
	unsigned char key[16];
	if (!key_of(sa, key) || ep->on_close)
		return true;
	struct row *r = find(t, key);
	if (r && r->n >= t->max)
		return false;
	struct ticket *k = malloc(sizeof *k);
	if (!k)
		return true; /* not counted rather than refused */
	if (!r) {
		if (t->nrows == t->cap) {
			size_t cap = t->cap ? 2 * t->cap : 16;
			struct row *nr = realloc(t->rows, cap * sizeof *nr);
			if (!nr) {
				free(k);
				return true;
			}
			t->rows = nr;
			t->cap = cap;
		}
		r = &t->rows[t->nrows++];
		memcpy(r->addr, key, 16);
		r->n = 0;
	}
	r->n++;
	t->live++;
	k->t = t;
	memcpy(k->addr, key, 16);
	ep->on_close = on_close;
	ep->on_close_arg = k;
	return true;
}
