/* socat's -v/-x block dumps, as a pure formatter (buffer in, text out). Internal to the
 * engine; exposed for unit tests and the fuzzer. */
#ifndef DUCT_RELAY_DUMP_H
#define DUCT_RELAY_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>

#define DUMP_TEXT 1 /* -v */
#define DUMP_HEX  2 /* -x */

/* Upper bound of dump_format's output for len data bytes (any mode). */
size_t dump_bound(size_t len);

/* Format one transferred block the way socat does: header
 *   "> 2026/11/21 05:24:32.000874591  length=20 from=0 to=19\n"
 * (righttoleft: '<'; local time of tv; from = cumulative offset of the block's first byte)
 * followed by the body for mode (DUMP_TEXT, DUMP_HEX or both). out must hold
 * dump_bound(len) bytes. Returns the number of bytes written (no NUL). */
size_t dump_format(char *out, const unsigned char *data, size_t len, bool righttoleft,
		   unsigned long long from, const struct timeval *tv, int mode);

#endif
