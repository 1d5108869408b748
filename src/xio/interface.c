/* INTERFACE:<name>: link-layer frames on a network interface through an AF_PACKET socket
 * (each read is one frame, each write sends one). Needs CAP_NET_RAW. Only frames the interface
 * receives are read, as socat reads them: not the ones this host sends (on lo every frame
 * would come twice). The iff-* helpers are shared with TUN. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "xio/socket.h"

int iface_ioctl_socket(const char *ifname, struct ifreq *ifr)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		ERR("socket(): %s", strerror(errno));
		return -1;
	}
	memset(ifr, 0, sizeof *ifr);
	memcpy(ifr->ifr_name, ifname, strnlen(ifname, sizeof ifr->ifr_name - 1));
	return s;
}

int iface_take_flags(struct xio_open *op, const char *ifname)
{
	short set = 0, clear = 0;
	bool any = false;
	for (size_t i = 0; i < op->opts.n; i++) {
		struct opt_value *v = &op->opts.v[i];
		if (!v->def || v->used || v->def->id < OPT_IFF_UP || v->def->id > OPT_IFF_AUTOMEDIA)
			continue;
		v->used = true;
		any = true;
		short bit = (short)v->def->a1;
		if (v->i) {
			set |= bit;
			clear &= (short)~bit;
		} else {
			clear |= bit;
			set &= (short)~bit;
		}
	}
	if (!any)
		return 0;
	struct ifreq ifr;
	int s = iface_ioctl_socket(ifname, &ifr);
	if (s < 0)
		return -1;
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		ERR("ioctl(%d, SIOCGIFFLAGS, {\"%s\"}): %s", s, ifname, strerror(errno));
		close(s);
		return -1;
	}
	ifr.ifr_flags = (short)((ifr.ifr_flags | set) & ~clear);
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
		ERR("ioctl(%d, SIOCSIFFLAGS, {\"%s\", %#x}): %s", s, ifname, (unsigned)(unsigned short)ifr.ifr_flags,
		    strerror(errno));
		close(s);
		return -1;
	}
	close(s);
	return 0;
}

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23 /* Linux 4.20 */
#endif

/* Leave out the frames this host sends: PACKET_IGNORE_OUTGOING (Linux >= 4.20), else a
 * socket filter that drops what the kernel marks PACKET_OUTGOING. */
static int ignore_outgoing(struct xio_open *op, int fd, const char *name)
{
	int one = 1;
	if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) == 0)
		return 0;
	int e = errno;
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, (__u32)(SKF_AD_OFF + SKF_AD_PKTTYPE)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
	};
	struct sock_fprog prog = { .len = sizeof code / sizeof code[0], .filter = code };
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) == 0) {
		INFO("setsockopt(%d, SOL_PACKET, PACKET_IGNORE_OUTGOING): %s; a socket filter drops outgoing frames",
		     fd, strerror(e));
		return 0;
	}
	ERR("%s: cannot leave out the frames this host sends on \"%s\": setsockopt(%d, SOL_PACKET, "
	    "PACKET_IGNORE_OUTGOING): %s, setsockopt(%d, SOL_SOCKET, SO_ATTACH_FILTER): %s",
	    op->typed, name, fd, strerror(e), fd, strerror(errno));
	return -1;
}

static int interface_open(struct xio_open *op)
{
	const char *name = op->spec->params[0];
	unsigned idx = if_nametoindex(name);
	if (!idx) {
		ERR("%s: interface \"%s\": %s", op->typed, name, strerror(errno));
		return -1;
	}
	if (sk_apply_phases(op, PH_INIT, PH_SOCKET, -1, NULL) < 0)
		return -1;
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0) {
		ERR("socket(%d, %d, %d): %s", AF_PACKET, SOCK_RAW, htons(ETH_P_ALL), strerror(errno));
		return -1;
	}
	if (ignore_outgoing(op, fd, name) < 0 || sk_apply_phases(op, PH_PASTSOCKET, PH_PREBIND, fd, NULL) < 0) {
		close(fd);
		return -1;
	}
	struct sockaddr_ll ll;
	memset(&ll, 0, sizeof ll);
	ll.sll_family = AF_PACKET;
	ll.sll_protocol = htons(ETH_P_ALL);
	ll.sll_ifindex = (int)idx;
	if (bind(fd, (struct sockaddr *)&ll, sizeof ll) < 0) {
		ERR("bind(%d, {AF=%d \"%s\"}, %zu): %s", fd, AF_PACKET, name, sizeof ll, strerror(errno));
		close(fd);
		return -1;
	}
	if (sk_apply_phases(op, PH_PASTBIND, PH_CONNECTED, fd, NULL) < 0 || iface_take_flags(op, name) < 0) {
		close(fd);
		return -1;
	}
	if (opt_take(&op->opts, OPT_RETRIEVE_VLAN))
		WARN("%s: retrieve-vlan is experimental and not implemented; frames are passed as received", op->typed);
	NOTE("reading and writing frames on interface \"%s\" (index %u)", name, idx);
	struct endpoint *ep = sk_make_endpoint(op, fd, "interface", true);
	if (!ep) {
		close(fd);
		return -1;
	}
	if (xio_take_appl_opts(op, ep) < 0) {
		endpoint_close(ep);
		return -1;
	}
	xio_finish(op, ep);
	return 0;
}

static const char *const al_if[] = { "IF", NULL };

const struct xio_handler xio_interface = {
	.name = "INTERFACE", .aliases = al_if, .usage = ":<interface>", .min_params = 1, .max_params = 1,
	.groups = G(FD) | G(SOCKET) | G(INTERFACE), .dirs = XIO_RDWR, .arg = AF_PACKET, .flags = 0,
	.open = interface_open, .help = "link-layer frames on a network interface (AF_PACKET): those it receives, not those this host sends",
};
