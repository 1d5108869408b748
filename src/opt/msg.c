/* How the option parsers word their messages: user text quoted safely, one line into err. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "opt/opt_int.h"

const char *opt_safe_text(char *dst, size_t n, const char *src)
{
	size_t o = 0;

	if (!src)
		src = "";
	for (; *src && o + 5 < n; src++) {
		unsigned char c = (unsigned char)*src;
		if (c < 0x20 || c >= 0x7f || c == '"') {
			if (c == '"') {
				dst[o++] = '\\';
				dst[o++] = '"';
			} else
				o += (size_t)snprintf(dst + o, n - o, "\\x%02x", c);
		} else
			dst[o++] = (char)c;
	}
	if (*src && o + 4 < n) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return dst;
}

int opt_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}
