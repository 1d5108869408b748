/* -v/-x dump formatter, byte-identical to socat's (compared against socat's own output). */
#include "relay/dump.h"

#include <stdio.h>
#include <time.h>

static const char hexdig[] = "0123456789abcdef";

static inline int is_print(unsigned c) { return c >= 0x20 && c < 0x7f; } /* C locale isprint */

size_t dump_bound(size_t len) { return 160 + 68 * len + 4; }

size_t dump_format(char *out, const unsigned char *data, size_t len, bool righttoleft,
		   unsigned long long from, const struct timeval *tv, int mode)
{
	char *o = out;
	struct tm tm;
	time_t sec = tv->tv_sec;
	localtime_r(&sec, &tm);
	char ts[32];
	size_t tl = strftime(ts, sizeof ts, "%Y/%m/%d %H:%M:%S", &tm);
	ts[tl] = 0;
	o += sprintf(o, "%c %s.000%06u  length=%zu from=%llu to=%llu\n", righttoleft ? '<' : '>', ts,
		     (unsigned)tv->tv_usec, len, from, from + (unsigned long long)len - 1);

	if ((mode & DUMP_TEXT) && (mode & DUMP_HEX)) {
		const unsigned char *s = data, *end = data + len;
		while (s < end) {
			size_t j = (size_t)(end - s) < 16 ? (size_t)(end - s) : 16;
			size_t i = 0;
			const unsigned char *t = s;
			while (i < j) {
				unsigned c = *t++;
				*o++ = ' ';
				*o++ = hexdig[c >> 4];
				*o++ = hexdig[c & 15];
				++i;
				if (c == '\n')
					break;
			}
			for (; i < 16; i++) {
				*o++ = ' ';
				*o++ = ' ';
				*o++ = ' ';
			}
			*o++ = ' ';
			*o++ = ' ';
			t = s;
			i = 0;
			while (i < j) {
				unsigned c = *t++;
				if (c == '\n') {
					*o++ = '.';
					break;
				}
				*o++ = is_print(c) ? (char)c : '.';
				++i;
			}
			*o++ = '\n';
			s = t;
		}
		*o++ = '-';
		*o++ = '-';
		*o++ = '\n';
	} else if (mode & DUMP_TEXT) {
		for (size_t i = 0; i < len; i++) {
			unsigned c = data[i];
			char e = 0;
			switch (c) {
			case '\a': e = 'a'; break;
			case '\b': e = 'b'; break;
			case '\v': e = 'v'; break;
			case '\f': e = 'f'; break;
			case '\r': e = 'r'; break;
			case '\\': e = '\\'; break;
			case '\t':
			case '\n': *o++ = (char)c; continue;
			default: *o++ = is_print(c) ? (char)c : '.'; continue;
			}
			*o++ = '\\';
			*o++ = e;
		}
	} else if (mode & DUMP_HEX) {
		for (size_t i = 0; i < len; i++) {
			*o++ = ' ';
			*o++ = hexdig[data[i] >> 4];
			*o++ = hexdig[data[i] & 15];
		}
		*o++ = '\n';
	}
	return (size_t)(o - out);
}
