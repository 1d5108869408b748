#include "relay/transform.h"

#include <string.h>

static void replace(unsigned char *buf, size_t n, unsigned char a, unsigned char b)
{
	unsigned char *p = buf, *end = buf + n;
	while (p < end && (p = memchr(p, a, (size_t)(end - p))))
		*p++ = b;
}

/* Each `a` becomes CR LF; expands in place from the end. */
static size_t expand(unsigned char *buf, size_t n, unsigned char a)
{
	size_t cnt = 0;
	const unsigned char *p = buf, *end = buf + n;
	while (p < end && (p = memchr(p, a, (size_t)(end - p)))) {
		cnt++;
		p++;
	}
	if (!cnt)
		return n;
	size_t i = n, j = n + cnt;
	while (i > 0 && j > i) {
		unsigned char c = buf[--i];
		if (c == a) {
			buf[--j] = '\n';
			buf[--j] = '\r';
		} else {
			buf[--j] = c;
		}
	}
	return n + cnt;
}

size_t xform_lineterm(unsigned char *buf, size_t n, enum ep_lineterm from, enum ep_lineterm to)
{
	if (from == to || n == 0)
		return n;
	switch (from) {
	case EP_LT_RAW:
		if (to == EP_LT_CR) {
			replace(buf, n, '\n', '\r');
			return n;
		}
		return expand(buf, n, '\n');
	case EP_LT_CR:
		if (to == EP_LT_RAW) {
			replace(buf, n, '\r', '\n');
			return n;
		}
		return expand(buf, n, '\r');
	case EP_LT_CRNL: {
		size_t j = 0;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = buf[i];
			if (c == '\r')
				continue;
			if (c == '\n' && to == EP_LT_CR)
				c = '\r';
			buf[j++] = c;
		}
		return j;
	}
	}
	return n;
}
