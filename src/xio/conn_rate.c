/* max-conn-rate= (see conn_rate.h): fixed one-second windows, the first starting with the
 * first connection, so a burst after a quiet spell gets the whole N at once. */
#include "xio/conn_rate.h"

static void roll(struct conn_rate *r, double now)
{
	if (r->n && now - r->start >= 1.0)
		r->n = 0;
}

bool conn_rate_full(struct conn_rate *r, double now, double *wait)
{
	if (!r->max)
		return false;
	roll(r, now);
	if (r->n < r->max)
		return false;
	*wait = r->start + 1.0 - now;
	if (*wait < 0.001)
		*wait = 0.001;
	return true;
}

void conn_rate_note(struct conn_rate *r, double now)
{
	if (!r->max)
		return;
	roll(r, now);
	if (r->n++ == 0)
		r->start = now;
}
