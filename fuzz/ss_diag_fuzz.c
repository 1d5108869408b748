/* libFuzzer target for the sock_diag reply path: the message walker and every family's parser,
 * then the text and JSON printers on the parsed record (output discarded). Input = raw bytes of
 * a netlink receive buffer. Nothing may read outside the buffer. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss/ss_int.h"

static struct ss_opts opts;

static int cb(const void *body, size_t len, void *arg)
{
	(void)arg;
	struct ss_sock s;
	char name[128];
	int which = len ? ((const unsigned char *)body)[0] : 0;
	int r;
	switch (which) {
	case AF_UNIX: r = ss_parse_unix(body, len, &s, name, sizeof name); break;
	case AF_PACKET: r = ss_parse_packet(body, len, &s); break;
	case AF_NETLINK: r = ss_parse_netlink(body, len, &s); break;
	case 40: r = ss_parse_vsock(body, len, &s); break;
	case 44: r = ss_parse_xdp(body, len, &s); break;
	default: r = ss_parse_inet(body, len, 6, &s); break;
	}
	if (r == 0) {
		s.db = s.family == AF_UNIX ? UNIX_ST_DB : TCP_DB;
		ss_text_sock(&opts, &s);
		ss_json_sock(&opts, &s);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			close(fd);
		}
		opts.numeric = true;
		opts.show_options = opts.show_mem = opts.show_tcpinfo = opts.show_tos = true;
		opts.show_inet_sockopt = true;
		opts.dbs = ~0u;
		opts.states = SS_ALL;
		ss_text_init(&opts);
		init = 1;
	}
	/* copy to an aligned buffer, as recv() would fill */
	void *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	(void)ss_walk_messages(buf, size, 123456, cb, NULL);
	ss_text_flush();
	ss_out_flush();
	free(buf);
	return 0;
}
