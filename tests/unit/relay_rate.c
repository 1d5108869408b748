/* The token buckets of rate-limit= / --rate-limit (relay/rate.c) on a simulated clock, and
 * the rate parser. How fast real transfers go is bench/rate_limit's job; these check the
 * arithmetic: the allowance, the wait when empty, datagrams whole, two buckets together. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "loop/loop.h"
#include "relay/rate.h"
#include "tap.h"

static void parse_cases(void)
{
	static const struct { const char *text; unsigned long long want; } good[] = {
		{ "1", 1 }, { "256k", 256 << 10 }, { "256K", 256 << 10 }, { "1M", 1 << 20 },
		{ "1m", 1 << 20 }, { "2G", 2ull << 30 }, { "1024G", 1024ull << 30 }, { "1000", 1000 },
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		unsigned long long v = 0;
		char err[128] = "";
		int rc = rate_parse(good[i].text, &v, err, sizeof err);
		tap_ok(rc == 0 && v == good[i].want, "rate_parse(\"%s\") = %llu (got %llu%s%s)", good[i].text,
		       good[i].want, v, *err ? ", " : "", err);
	}
	static const struct { const char *text; const char *why; } bad[] = {
		{ "fast", "expected bytes per second" }, { "", "expected bytes per second" },
		{ "0", "0 is no rate" }, { "0k", "0 is no rate" }, { "-1", "negative" },
		{ "1025G", "too big" }, { "99999999999999999999999", "too big" },
		{ "18014398509481984k", "too big" }, { "1X", "unknown suffix \"X\"" },
		{ "1kk", "unknown suffix \"kk\"" }, { "1.5M", "unknown suffix \".5M\"" }, { "1T", "unknown suffix" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		unsigned long long v = 0;
		char err[128] = "";
		int rc = rate_parse(bad[i].text, &v, err, sizeof err);
		tap_ok(rc < 0 && strstr(err, bad[i].why), "rate_parse(\"%s\") refused: %s", bad[i].text, err);
	}
}

/* Read as much as granted whenever granted, sleeping (simulated) through the waits: the
 * bytes moved in `secs` seconds. */
static double simulate(struct rate_bucket *a, struct rate_bucket *b, double t0, double secs, unsigned *wakes)
{
	double now = t0, moved = 0;
	*wakes = 0;
	while (now < t0 + secs) {
		double wait;
		size_t n = rate_grant_at(a, b, false, now, &wait);
		if (n == 0) {
			now += wait;
			++*wakes;
			continue;
		}
		rate_spend(a, b, n);
		moved += (double)n;
	}
	return moved;
}

int main(void)
{
	parse_cases();

	double t0 = loop_now(), wait = -1;
	struct rate_bucket *b = rate_new(1u << 20);
	size_t n = rate_grant_at(b, NULL, false, t0, &wait);
	tap_ok(n == (1u << 20) / 10, "a new 1M bucket holds a tenth of a second (%zu)", n);
	rate_spend(b, NULL, n);
	n = rate_grant_at(b, NULL, false, t0, &wait);
	tap_ok(n == 0 && wait > 0.06 && wait < 0.065, "empty: wait for a 64 KiB chunk, 1/16 s (%.4f)", wait);
	n = rate_grant_at(b, NULL, false, t0 + wait, &wait);
	tap_ok(n >= 65535 && n <= 65536, "after the wait: the chunk (%zu)", n);
	rate_spend(b, NULL, n);

	unsigned wakes;
	double moved = simulate(b, NULL, t0 + 1, 8.0, &wakes);
	tap_ok(moved > 8.0 * 1048576 * 0.99 && moved < 8.0 * 1048576 * 1.02, "8 s at 1M move 8 MiB (%.0f)", moved);
	tap_ok(wakes >= 100 && wakes <= 140, "... waking about 16 times a second (%u)", wakes);
	rate_free(b);

	/* a slow bucket: a tenth of a second of 10 B/s is one byte */
	b = rate_new(10);
	moved = simulate(b, NULL, t0, 3.0, &wakes);
	tap_ok(moved >= 29 && moved <= 32, "10 B/s: about 30 bytes in 3 s (%.0f)", moved);
	rate_free(b);

	/* rounding: a refill that should make a whole byte may fall just short of it, and a tiny
	 * wait added to a large clock changes nothing (this looped forever at t0 = 16641.14...) */
	const double clocks[] = { 16641.142581790002, 1e3 + 1.0 / 3, 123456.789, 1e6 + 0.1 };
	for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
		b = rate_new(10);
		moved = simulate(b, NULL, clocks[i], 3.0, &wakes);
		tap_ok(moved >= 29 && moved <= 32 && wakes < 100, "10 B/s from clock %.6f: about 30 bytes in 3 s (%.0f, %u waits)",
		       clocks[i], moved, wakes);
		rate_free(b);
	}

	/* a bulk reader that comes back a few microseconds after each read: once the bucket is
	 * used up it waits for a whole chunk instead of taking the bytes that trickled in */
	b = rate_new(1u << 20);
	double now = t0;
	unsigned grants = 0;
	moved = 0;
	while (now < t0 + 2.0) {
		size_t g = rate_grant_at(b, NULL, false, now, &wait);
		if (g == 0) {
			now += wait;
			continue;
		}
		rate_spend(b, NULL, g);
		moved += (double)g;
		grants++;
		now += 5e-6;
	}
	tap_ok(grants <= 40 && moved > 2.0 * 1048576 * 0.95, "bulk at 1M: %u grants in 2 s (a chunk each), %.0f bytes", grants, moved);
	rate_free(b);

	/* datagrams pass whole and leave a debt */
	b = rate_new(1024);
	n = rate_grant_at(b, NULL, true, t0, &wait);
	tap_ok(n == SIZE_MAX, "a datagram is never cut");
	rate_spend(b, NULL, 3000);
	n = rate_grant_at(b, NULL, true, t0, &wait);
	tap_ok(n == 0 && wait > 2.9 && wait < 3.1, "3000 bytes at 1k: about 3 s before the next (%.3f)", wait);
	rate_free(b);

	/* two buckets: the smaller allowance, the longer wait */
	struct rate_bucket *own = rate_new(1u << 20), *all = rate_new(256u << 10);
	n = rate_grant_at(own, all, false, t0, &wait);
	tap_ok(n == (256u << 10) / 10, "two buckets: the smaller allowance (%zu)", n);
	moved = simulate(own, all, t0, 4.0, &wakes);
	tap_ok(moved > 4.0 * 262144 * 0.98 && moved < 4.0 * 262144 * 1.05, "two buckets: the slower rate holds (%.0f)",
	       moved);
	rate_free(own);
	rate_free(all);
	return tap_done();
}
