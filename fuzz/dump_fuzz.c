/* libFuzzer target for the -v/-x dump formatter: never overflow dump_bound(), keep the
 * layouts' invariants (hex-only length, "--" trailer, nothing unprintable in the body). */
#include "relay/dump.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char *out;
static size_t outcap;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int mode = (data[0] & 3) ? (data[0] & 3) : DUMP_TEXT;
	bool rtl = data[0] & 4;
	data++;
	size--;
	size_t bound = dump_bound(size);
	if (bound + 1 > outcap) {
		free(out);
		outcap = bound + 1;
		out = malloc(outcap);
		if (!out)
			abort();
	}
	memset(out, 0xAA, bound + 1);
	struct timeval tv = { .tv_sec = 1795238672, .tv_usec = 874591 };
	size_t n = dump_format(out, data, size, rtl, 1000, &tv, mode);
	if (n > bound || (unsigned char)out[bound] != 0xAA)
		abort();
	if (out[0] != (rtl ? '<' : '>'))
		abort();
	char *nl = memchr(out, '\n', n);
	if (!nl)
		abort();
	size_t hdr = (size_t)(nl + 1 - out);
	if (mode == DUMP_HEX && n != hdr + 3 * size + 1)
		abort();
	if (mode == (DUMP_TEXT | DUMP_HEX) && (n < hdr + 3 || memcmp(out + n - 3, "--\n", 3)))
		abort();
	for (size_t i = hdr; i < n; i++) {
		unsigned char c = (unsigned char)out[i];
		if (!(c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)))
			abort();
	}
	return 0;
}
