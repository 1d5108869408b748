/* Token buckets for the read rate limits: rate-limit= on an address (one bucket per direction
 * of a session) and --rate-limit (one bucket shared by every session of the process). The
 * engine asks before a read how much it may take; with the bucket empty it waits on a loop
 * timer, never sleeps. */
#ifndef DUCT_RATE_H
#define DUCT_RATE_H

#include <stdbool.h>
#include <stddef.h>

struct rate_bucket;

/* bytes_per_sec > 0. The bucket starts full (a tenth of a second's worth). */
struct rate_bucket *rate_new(unsigned long long bytes_per_sec);
void rate_free(struct rate_bucket *b);
/* The process-wide bucket (--rate-limit), made at the first call and kept for the process;
 * a process forked later (--fork-process) goes on with a copy of its own. */
struct rate_bucket *rate_process(unsigned long long bytes_per_sec);

/* How many bytes the next read may take under both buckets (either may be NULL): at least 1,
 * or 0 with *wait set to the seconds after which to ask again. whole: the read can't be cut
 * (a datagram): any allowance lets it through whole and the bucket goes into debt. */
size_t rate_grant(struct rate_bucket *a, struct rate_bucket *b, bool whole, double *wait);
/* n bytes were read: take them from both buckets. */
void rate_spend(struct rate_bucket *a, struct rate_bucket *b, size_t n);

/* The same at a given time (seconds, monotonic): for unit tests. */
size_t rate_grant_at(struct rate_bucket *a, struct rate_bucket *b, bool whole, double now, double *wait);

/* "RATE": bytes per second as decimal digits with an optional suffix k, M or G (powers of
 * 1024, either case), 1 .. RATE_MAX. Returns 0, or -1 with the reason in err (not a number,
 * 0, negative, unknown suffix, too big). */
#define RATE_MAX (1024ull << 30) /* 1024G: far beyond any link, exact in a double */
int rate_parse(const char *text, unsigned long long *out, char *err, size_t errlen);

#endif
