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

size_t xform_crnl_out(unsigned char *buf, size_t n, int *prev)
{
	size_t add = 0;
	int last = *prev;
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n' && last != '\r')
			add++;
		last = buf[i];
	}
	int first_prev = *prev;
	if (n)
		*prev = buf[n - 1];
	if (!add)
		return n;
	size_t i = n, j = n + add;
	while (i > 0) {
		unsigned char c = buf[--i];
		buf[--j] = c;
		int before = i > 0 ? buf[i - 1] : first_prev;
		if (c == '\n' && before != '\r')
			buf[--j] = '\r';
	}
	return n + add;
}

size_t xform_lineterm(unsigned char *buf, size_t n, enum ep_lineterm from, enum ep_lineterm to)
{
	from = xform_lt_in(from);
	if (to == EP_LT_CRNL_OUT) {
		int prev = -1;
		n = xform_lineterm(buf, n, from, EP_LT_RAW);
		return xform_crnl_out(buf, n, &prev);
	}
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
	case EP_LT_CRNL_OUT:
		break;
	}
	return n;
}
