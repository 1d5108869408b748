/* TUN[:<if-addr>/<bits>]: create a TUN (or TAP, tun-type=tap) interface through /dev/net/tun
 * (tun-device=), named tun-name=, optionally with an IPv4 address; iff-up and the other iff-*
 * flags set its state; iff-no-pi drops the packet information header. Needs CAP_NET_ADMIN. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "xio/socket.h"

static int set_addr(struct xio_open *op, const char *ifname, const char *spec)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", spec);
	char *slash = strchr(buf, '/');
	long bits = 32;
	if (slash) {
		*slash = 0;
		char *end;
		bits = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end || bits < 0 || bits > 32) {
			sk_addr_error(op, "invalid prefix length in \"%s\"", spec);
			return -1;
		}
	}
	struct sockaddr_in sin = { .sin_family = AF_INET };
	if (inet_pton(AF_INET, buf, &sin.sin_addr) != 1) {
		sk_addr_error(op, "invalid IPv4 address \"%s\"", buf);
		return -1;
	}
	struct ifreq ifr;
	int s = iface_ioctl_socket(ifname, &ifr);
	if (s < 0)
		return -1;
	memcpy(&ifr.ifr_addr, &sin, sizeof sin);
	if (ioctl(s, SIOCSIFADDR, &ifr) < 0) {
		ERR("ioctl(%d, SIOCSIFADDR, {\"%s\", %s}): %s", s, ifname, buf, strerror(errno));
		close(s);
		return -1;
	}
	struct sockaddr_in mask = { .sin_family = AF_INET };
	mask.sin_addr.s_addr = bits ? htonl(0xffffffffu << (32 - bits)) : 0;
	memcpy(&ifr.ifr_netmask, &mask, sizeof mask);
	if (ioctl(s, SIOCSIFNETMASK, &ifr) < 0) {
		ERR("ioctl(%d, SIOCSIFNETMASK, {\"%s\", /%ld}): %s", s, ifname, bits, strerror(errno));
		close(s);
		return -1;
	}
	close(s);
	return 0;
}

static int tun_open(struct xio_open *op)
{
	const char *dev = "/dev/net/tun", *name = NULL, *type = NULL;
	bool nopi = false;
	opt_take_str(&op->opts, OPT_TUN_DEVICE, &dev);
	opt_take_str(&op->opts, OPT_TUN_NAME, &name);
	opt_take_str(&op->opts, OPT_TUN_TYPE, &type);
	opt_take_bool(&op->opts, OPT_IFF_NO_PI, &nopi);
	short flags = IFF_TUN;
	if (type && !strcasecmp(type, "tap"))
		flags = IFF_TAP;
	else if (type && strcasecmp(type, "tun")) {
		sk_addr_error(op, "tun-type must be tun or tap, not \"%s\"", type);
		return -1;
	}
	if (nopi)
		flags |= IFF_NO_PI;
	if (sk_apply_phases(op, PH_INIT, PH_PREOPEN, -1, NULL) < 0)
		return -1;
	int fd = open(dev, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ERR("open(\"%s\", O_RDWR): %s", dev, strerror(errno));
		return -1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = flags;
	if (name)
		memcpy(ifr.ifr_name, name, strnlen(name, sizeof ifr.ifr_name - 1));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		ERR("ioctl(%d, TUNSETIFF, {\"%s\"}): %s", fd, name ? name : "", strerror(errno));
		close(fd);
		return -1;
	}
	char ifname[IFNAMSIZ + 1];
	memcpy(ifname, ifr.ifr_name, IFNAMSIZ);
	ifname[IFNAMSIZ] = 0;
	NOTE("%s interface \"%s\" created", flags & IFF_TAP ? "TAP" : "TUN", ifname);
	if (sk_apply_phases(op, PH_OPEN, PH_FD, fd, NULL) < 0) {
		close(fd);
		return -1;
	}
	if (op->spec->nparams >= 1 && op->spec->params[0][0] && set_addr(op, ifname, op->spec->params[0]) < 0) {
		close(fd);
		return -1;
	}
	if (iface_take_flags(op, ifname) < 0) {
		close(fd);
		return -1;
	}
	struct endpoint *ep = sk_make_endpoint(op, fd, "tun", true);
	if (!ep) {
		close(fd);
		return -1;
	}
	endpoint_setenv(ep, "TUN_NAME", ifname);
	if (xio_take_appl_opts(op, ep) < 0) {
		endpoint_close(ep);
		return -1;
	}
	xio_finish(op, ep);
	return 0;
}

const struct xio_handler xio_tun = {
	.name = "TUN", .aliases = NULL, .usage = "[:<ip-addr>/<bits>]", .min_params = 0, .max_params = 1,
	.groups = G(FD) | G(CHR) | G(OPEN) | G(INTERFACE), .dirs = XIO_RDWR, .arg = 0, .flags = 0,
	.open = tun_open, .help = "TUN/TAP interface; each read/write is one packet",
};
