/* Token buckets for rate-limit= and --rate-limit (see rate.h).
 *
 * A bucket fills at `rate` bytes per second up to `cap` (a tenth of a second's worth, so a
 * transfer's first burst barely shows in its average). A read may take what the bucket holds;
 * once it is empty the direction waits until a `chunk` has come back (up to 64 KiB, at most
 * 0.1 s), so a limited transfer wakes a few dozen times a second at any rate instead of once
 * per byte. */
#include "relay/rate.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

#include "loop/loop.h"

#define RATE_BURST_SECS 0.1
#define RATE_CHUNK_MAX  (64.0 * 1024.0)

#define RATE_EPSILON  1e-6 /* tokens this close below 1.0 count as one byte */
#define RATE_MIN_WAIT 1e-3 /* seconds */

struct rate_bucket {
	double rate;   /* bytes per second */
	double cap;    /* most tokens held */
	double chunk;  /* an empty bucket waits for this many */
	double tokens; /* may go below 0 after a datagram read whole */
	double last;   /* when tokens was brought up to date */
	bool drained;  /* a read used it up: nothing more until a whole chunk is back (else every
			  call a few microseconds later would grant the few bytes that trickled
			  in, and a bulk transfer would move a few bytes per system call) */
};

struct rate_bucket *rate_new(unsigned long long bytes_per_sec)
{
	struct rate_bucket *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->rate = (double)bytes_per_sec;
	b->cap = b->rate * RATE_BURST_SECS;
	if (b->cap < 1.0)
		b->cap = 1.0;
	b->chunk = b->cap < RATE_CHUNK_MAX ? b->cap : RATE_CHUNK_MAX;
	b->tokens = b->cap;
	b->last = loop_now();
	return b;
}

void rate_free(struct rate_bucket *b)
{
	free(b);
}

struct rate_bucket *rate_process(unsigned long long bytes_per_sec)
{
	static struct rate_bucket *all;
	if (!all)
		all = rate_new(bytes_per_sec);
	return all;
}

static void refill(struct rate_bucket *b, double now)
{
	if (now > b->last) {
		b->tokens += (now - b->last) * b->rate;
		if (b->tokens > b->cap)
			b->tokens = b->cap;
	}
	b->last = now;
}

/* Bytes b allows now (SIZE_MAX: no bucket), or 0 and the wait for a chunk in *wait. */
static size_t allow(struct rate_bucket *b, double now, double *wait)
{
	if (!b)
		return SIZE_MAX;
	refill(b, now);
	if (b->drained && b->tokens >= b->chunk * (1.0 - RATE_EPSILON))
		b->drained = false;
	/* a refill that should have made a whole byte can fall short of 1.0 by a rounding error */
	if (!b->drained && b->tokens >= 1.0 - RATE_EPSILON)
		return b->tokens < 1.0 ? 1 : (size_t)b->tokens;
	double w = (b->chunk - b->tokens) / b->rate;
	/* never a wait shorter than a millisecond: added to a clock of some 10^4 s, a tiny wait
	 * would not move it, and a timer that fires at once would spin */
	if (w < RATE_MIN_WAIT)
		w = RATE_MIN_WAIT;
	if (w > *wait)
		*wait = w;
	return 0;
}

size_t rate_grant_at(struct rate_bucket *a, struct rate_bucket *b, bool whole, double now, double *wait)
{
	*wait = 0;
	size_t na = allow(a, now, wait), nb = allow(b, now, wait);
	if (na == 0 || nb == 0)
		return 0;
	if (whole)
		return SIZE_MAX;
	return na < nb ? na : nb;
}

size_t rate_grant(struct rate_bucket *a, struct rate_bucket *b, bool whole, double *wait)
{
	return rate_grant_at(a, b, whole, loop_now(), wait);
}

void rate_spend(struct rate_bucket *a, struct rate_bucket *b, size_t n)
{
	if (a) {
		a->tokens -= (double)n;
		a->drained |= a->tokens < 1.0;
	}
	if (b) {
		b->tokens -= (double)n;
		b->drained |= b->tokens < 1.0;
	}
}

int rate_parse(const char *text, unsigned long long *out, char *err, size_t errlen)
{
	const char *p = text;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-') {
		snprintf(err, errlen, "a rate can't be negative");
		return -1;
	}
	if (!isdigit((unsigned char)*p)) {
		snprintf(err, errlen, "expected bytes per second, a number with k, M or G (e.g. 256k, 1M)");
		return -1;
	}
	char *end;
	errno = 0;
	unsigned long long n = strtoull(p, &end, 10);
	if (errno == ERANGE || n > RATE_MAX) {
		snprintf(err, errlen, "too big (at most %lluG)", RATE_MAX >> 30);
		return -1;
	}
	unsigned shift = 0;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default:
		snprintf(err, errlen, "unknown suffix \"%s\" (k, M or G: powers of 1024)", end);
		return -1;
	}
	if (*end) {
		snprintf(err, errlen, "unknown suffix \"%s\" (k, M or G: powers of 1024)", end - (shift ? 1 : 0));
		return -1;
	}
	if (n == 0) {
		snprintf(err, errlen, "0 is no rate (leave the option out for no limit)");
		return -1;
	}
	if (n > (RATE_MAX >> shift)) {
		snprintf(err, errlen, "too big (at most %lluG)", RATE_MAX >> 30);
		return -1;
	}
	*out = n << shift;
	return 0;
}
