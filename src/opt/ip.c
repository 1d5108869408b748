/* Option table: ip family. One row per option; see opt.h for the row fields.
 * Groups, value types and phases follow socat 1.8 (real phases, not the -hhh column). */
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "opt/opt_int.h"

/* Split s on ':' into at most max parts (copied into buf). Returns the count. */
static int split_colon(const char *s, char *buf, size_t buflen, char **parts, int max)
{
	int n = 0;
	char *p;

	snprintf(buf, buflen, "%s", s ? s : "");
	p = buf;
	while (n < max) {
		parts[n++] = p;
		p = strchr(p, ':');
		if (!p)
			break;
		*p++ = '\0';
	}
	return p ? -1 : n;
}

static int resolve4(const char *host, struct in_addr *out)
{
	struct addrinfo hints = { .ai_family = AF_INET }, *res = NULL;

	if (inet_pton(AF_INET, host, out) == 1)
		return 0;
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res)
		return -1;
	*out = ((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return 0;
}

static int resolve6(const char *host, struct in6_addr *out)
{
	struct addrinfo hints = { .ai_family = AF_INET6 }, *res = NULL;
	char tmp[256];
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof(tmp)) {
		memcpy(tmp, host + 1, n - 2);
		tmp[n - 2] = '\0';
		host = tmp;
	}
	if (inet_pton(AF_INET6, host, out) == 1)
		return 0;
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res)
		return -1;
	*out = ((struct sockaddr_in6 *)(void *)res->ai_addr)->sin6_addr;
	freeaddrinfo(res);
	return 0;
}

static unsigned ifindex_of(const char *s)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	if (*s && !*end)
		return (unsigned)n;
	return if_nametoindex(s);
}

/* ip-add-membership (a1 0): group:ifaddr | group:ifname | group:ifaddr:ifname
 * ip-add-source-membership (a1 1): group:ifaddr:source */
static int fn_ip_membership(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	char buf[512], *p[3];
	int n = split_colon(v->s, buf, sizeof(buf), p, 3);

	if (!opt_need_fd(v, ctx))
		return -1;
	if (v->def->a1 == 1) {
		struct ip_mreq_source m;
		memset(&m, 0, sizeof(m));
		if (n != 3)
			return opt_fail(v, ctx, 0, "expected group:interface-address:source-address");
		if (resolve4(p[0], &m.imr_multiaddr) < 0 || resolve4(p[1], &m.imr_interface) < 0 ||
		    resolve4(p[2], &m.imr_sourceaddr) < 0)
			return opt_fail(v, ctx, 0, "cannot resolve an IPv4 address");
		if (setsockopt(ctx->fd, IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, &m, sizeof(m)) < 0)
			return opt_fail(v, ctx, errno, "setsockopt(IP_ADD_SOURCE_MEMBERSHIP)");
		return 0;
	}
	struct ip_mreqn m;
	memset(&m, 0, sizeof(m));
	if (n < 2)
		return opt_fail(v, ctx, 0, "expected group:interface-address, group:interface or group:address:interface");
	if (resolve4(p[0], &m.imr_multiaddr) < 0)
		return opt_fail(v, ctx, 0, "cannot resolve the group address");
	if (n == 3) {
		if (resolve4(p[1], &m.imr_address) < 0)
			return opt_fail(v, ctx, 0, "cannot resolve the interface address");
		if (!(m.imr_ifindex = (int)ifindex_of(p[2])))
			return opt_fail(v, ctx, 0, "unknown interface");
	} else if (inet_pton(AF_INET, p[1], &m.imr_address) != 1) {
		if (!(m.imr_ifindex = (int)ifindex_of(p[1])) && resolve4(p[1], &m.imr_address) < 0)
			return opt_fail(v, ctx, 0, "unknown interface or address");
	}
	if (setsockopt(ctx->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m)) < 0)
		return opt_fail(v, ctx, errno, "setsockopt(IP_ADD_MEMBERSHIP)");
	return 0;
}

static int fn_ip_multicast_if(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	struct in_addr a;

	if (!opt_need_fd(v, ctx))
		return -1;
	if (resolve4(v->s ? v->s : "", &a) < 0)
		return opt_fail(v, ctx, 0, "cannot resolve the interface address");
	if (setsockopt(ctx->fd, IPPROTO_IP, IP_MULTICAST_IF, &a, sizeof(a)) < 0)
		return opt_fail(v, ctx, errno, "setsockopt(IP_MULTICAST_IF)");
	return 0;
}

/* Split on ':' outside [...] into at most max parts; -1 if there are more. */
static int split_v6(const char *s, char *buf, size_t buflen, char **parts, int max)
{
	int n = 0, depth = 0;
	char *q;

	snprintf(buf, buflen, "%s", s ? s : "");
	parts[n++] = buf;
	for (q = buf; *q; q++) {
		if (*q == '[')
			depth++;
		else if (*q == ']')
			depth--;
		else if (*q == ':' && depth == 0) {
			if (n == max)
				return -1;
			*q = '\0';
			parts[n++] = q + 1;
		}
	}
	return n;
}

/* ipv6-join-group (a1 0): group:if (if = name or index; group may be an unbracketed literal);
 * ipv6-join-source-group (a1 1): [group]:if:[source] */
static int fn_ipv6_join(const struct opt_value *v, struct opt_apply_ctx *ctx)
{
	char buf[512], *p[3];
	int n;

	if (!opt_need_fd(v, ctx))
		return -1;
	if (v->def->a1 == 0) {
		struct ipv6_mreq m;
		char *c;

		memset(&m, 0, sizeof(m));
		snprintf(buf, sizeof(buf), "%s", v->s ? v->s : "");
		c = strrchr(buf, ':');
		if (!c)
			return opt_fail(v, ctx, 0, "expected group:interface");
		*c++ = '\0';
		if (resolve6(buf, &m.ipv6mr_multiaddr) < 0)
			return opt_fail(v, ctx, 0, "cannot resolve the group address");
		if (!(m.ipv6mr_interface = ifindex_of(c)))
			return opt_fail(v, ctx, 0, "unknown interface");
		if (setsockopt(ctx->fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &m, sizeof(m)) < 0)
			return opt_fail(v, ctx, errno, "setsockopt(IPV6_JOIN_GROUP)");
		return 0;
	}
	n = split_v6(v->s, buf, sizeof(buf), p, 3);
	if (n != 3)
		return opt_fail(v, ctx, 0, "expected [group]:interface:[source]");
	{
		struct group_source_req r;
		struct sockaddr_in6 g = { .sin6_family = AF_INET6 }, s = { .sin6_family = AF_INET6 };

		memset(&r, 0, sizeof(r));
		if (resolve6(p[0], &g.sin6_addr) < 0 || resolve6(p[2], &s.sin6_addr) < 0)
			return opt_fail(v, ctx, 0, "cannot resolve an IPv6 address");
		if (!(r.gsr_interface = ifindex_of(p[1])))
			return opt_fail(v, ctx, 0, "unknown interface");
		memcpy(&r.gsr_group, &g, sizeof(g));
		memcpy(&r.gsr_source, &s, sizeof(s));
		if (setsockopt(ctx->fd, IPPROTO_IPV6, MCAST_JOIN_SOURCE_GROUP, &r, sizeof(r)) < 0)
			return opt_fail(v, ctx, errno, "setsockopt(MCAST_JOIN_SOURCE_GROUP)");
	}
	return 0;
}

/* clang-format off */
static const char *const al_ai_addrconfig[] = { "addrconfig", NULL };
static const char *const al_ai_passive[] = { "passive", NULL };
static const char *const al_ai_v4mapped[] = { "v4mapped", NULL };
static const char *const al_ip_add_membership[] = { "add-membership", "ip-membership", "membership", NULL };
static const char *const al_ip_add_source_membership[] = { "add-source-membership", "source-membership", NULL };
static const char *const al_ip_freebind[] = { "freebind", "ipfreebind", NULL };
static const char *const al_ip_hdrincl[] = { "hdrincl", "iphdrincl", NULL };
static const char *const al_ip_mtu[] = { "ipmtu", "mtu", NULL };
static const char *const al_ip_mtu_discover[] = { "ipmtudiscover", "mtudiscover", NULL };
static const char *const al_ip_multicast_if[] = { "multicast-if", NULL };
static const char *const al_ip_multicast_loop[] = { "ipmulticastloop", "multicast-loop", "multicastloop", NULL };
static const char *const al_ip_multicast_ttl[] = { "ipmulticastttl", "multicast-ttl", "multicastttl", NULL };
static const char *const al_ip_options[] = { "ipoptions", NULL };
static const char *const al_ip_pktinfo[] = { "ippktinfo", "pktinfo", NULL };
static const char *const al_ip_pktoptions[] = { "ippktoptions", "pktoptions", "pktopts", NULL };
static const char *const al_ip_recverr[] = { "iprecverr", "recverr", NULL };
static const char *const al_ip_recvopts[] = { "iprecvopts", "recvopts", NULL };
static const char *const al_ip_recvtos[] = { "iprecvtos", "recvtos", NULL };
static const char *const al_ip_recvttl[] = { "iprecvttl", "recvttl", NULL };
static const char *const al_ip_retopts[] = { "ipretopts", "retopts", NULL };
static const char *const al_ip_router_alert[] = { "iprouteralert", "routeralert", NULL };
static const char *const al_ip_tos[] = { "iptos", "tos", NULL };
static const char *const al_ip_transparent[] = { "transparent", NULL };
static const char *const al_ip_ttl[] = { "ipttl", "ttl", NULL };
static const char *const al_ipv6_authhdr[] = { "authhdr", NULL };
static const char *const al_ipv6_dstopts[] = { "dstopts", NULL };
static const char *const al_ipv6_hoplimit[] = { "hoplimit", NULL };
static const char *const al_ipv6_hopopts[] = { "hopopts", NULL };
static const char *const al_ipv6_join_group[] = { "ipv6-add-membership", "join-group", NULL };
static const char *const al_ipv6_join_source_group[] = { "ipv6-add-source-membership", "join-source-group", NULL };
static const char *const al_ipv6_recvdstopts[] = { "recvdstopts", NULL };
static const char *const al_ipv6_recvhoplimit[] = { "recvhoplimit", NULL };
static const char *const al_ipv6_recvhopopts[] = { "recvhopopts", NULL };
static const char *const al_ipv6_recvpktinfo[] = { "recvpktinfo", NULL };
static const char *const al_ipv6_recvrthdr[] = { "recvrthdr", NULL };
static const char *const al_ipv6_rthdr[] = { "rthdr", NULL };
static const char *const al_ipv6_unicast_hops[] = { "unicast-hops", NULL };
static const char *const al_ipv6_v6only[] = { "ipv6only", "v6only", NULL };
static const char *const al_res_defnames[] = { "defnames", NULL };
static const char *const al_res_dnsrch[] = { "dnsrch", NULL };
static const char *const al_res_igntc[] = { "igntc", NULL };
static const char *const al_res_nsaddr[] = { "dns", "nameserver", "nsaddr", NULL };
static const char *const al_res_recurse[] = { "recurse", NULL };
static const char *const al_res_stayopen[] = { "stayopen", NULL };
static const char *const al_res_usevc[] = { "usevc", NULL };

const struct opt_def opt_rows_ip[] = {
	{ .name = "ai-addrconfig", .aliases = al_ai_addrconfig, .type = OT_BOOL, .groups = G(IP4) | G(IP6),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_AI_ADDRCONFIG,
	  .help = "resolver flag AI_ADDRCONFIG" },
	{ .name = "ai-all", .aliases = NULL, .type = OT_BOOL, .groups = G(IP4) | G(IP6),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_AI_ALL,
	  .help = "resolver flag AI_ALL" },
	{ .name = "ai-passive", .aliases = al_ai_passive, .type = OT_BOOL, .groups = G(IP4) | G(IP6),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_AI_PASSIVE,
	  .help = "resolver flag AI_PASSIVE" },
	{ .name = "ai-v4mapped", .aliases = al_ai_v4mapped, .type = OT_BOOL, .groups = G(IP4) | G(IP6),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_AI_V4MAPPED,
	  .help = "resolver flag AI_V4MAPPED" },
	{ .name = "ip-add-membership", .aliases = al_ip_add_membership, .type = OT_MREQN, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_FUNC, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_ip_membership, .multi = true,
	  .help = "join an IPv4 multicast group: group:ifaddr, group:ifname or group:ifaddr:ifname" },
	{ .name = "ip-add-source-membership", .aliases = al_ip_add_source_membership, .type = OT_MREQ_SOURCE, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_FUNC, .a1 = 1, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_ip_membership, .multi = true,
	  .help = "join a source-specific IPv4 multicast group: group:ifaddr:source" },
	{ .name = "ip-freebind", .aliases = al_ip_freebind, .type = OT_INT, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_FREEBIND, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IP/IP_FREEBIND" },
	{ .name = "ip-hdrincl", .aliases = al_ip_hdrincl, .type = OT_INT, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_HDRINCL, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IP/IP_HDRINCL" },
	{ .name = "ip-mtu", .aliases = al_ip_mtu, .type = OT_INT, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_MTU, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IP/IP_MTU" },
	{ .name = "ip-mtu-discover", .aliases = al_ip_mtu_discover, .type = OT_INT, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_MTU_DISCOVER, .a3 = 0, .id = OPT_NONE,
	  .help = "path MTU discovery: 0 never, 1 want, 2 always" },
	{ .name = "ip-multicast-if", .aliases = al_ip_multicast_if, .type = OT_IP4NAME, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_FUNC, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_ip_multicast_if,
	  .help = "outgoing interface address for IPv4 multicast" },
	{ .name = "ip-multicast-loop", .aliases = al_ip_multicast_loop, .type = OT_BYTE, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_MULTICAST_LOOP, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IP/IP_MULTICAST_LOOP" },
	{ .name = "ip-multicast-ttl", .aliases = al_ip_multicast_ttl, .type = OT_BYTE, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_MULTICAST_TTL, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IP/IP_MULTICAST_TTL" },
	{ .name = "ip-options", .aliases = al_ip_options, .type = OT_BIN, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_OPTIONS, .a3 = 0, .id = OPT_NONE, .multi = true,
	  .help = "raw IP options (dalan data)" },
	{ .name = "ip-pktinfo", .aliases = al_ip_pktinfo, .type = OT_INT, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_PKTINFO, .a3 = 0, .id = OPT_IP_PKTINFO,
	  .help = "setsockopt IPPROTO_IP/IP_PKTINFO" },
	{ .name = "ip-pktoptions", .aliases = al_ip_pktoptions, .type = OT_INT, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_PKTOPTIONS, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IP/IP_PKTOPTIONS" },
	{ .name = "ip-recverr", .aliases = al_ip_recverr, .type = OT_INT, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_RECVERR, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IP/IP_RECVERR" },
	{ .name = "ip-recvopts", .aliases = al_ip_recvopts, .type = OT_INT, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_RECVOPTS, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IP/IP_RECVOPTS" },
	{ .name = "ip-recvtos", .aliases = al_ip_recvtos, .type = OT_INT, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_RECVTOS, .a3 = 0, .id = OPT_IP_RECVTOS,
	  .help = "setsockopt IPPROTO_IP/IP_RECVTOS" },
	{ .name = "ip-recvttl", .aliases = al_ip_recvttl, .type = OT_INT, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_RECVTTL, .a3 = 0, .id = OPT_IP_RECVTTL,
	  .help = "setsockopt IPPROTO_IP/IP_RECVTTL" },
	{ .name = "ip-retopts", .aliases = al_ip_retopts, .type = OT_INT, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_RETOPTS, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IP/IP_RETOPTS" },
	{ .name = "ip-router-alert", .aliases = al_ip_router_alert, .type = OT_INT, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_ROUTER_ALERT, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IP/IP_ROUTER_ALERT" },
	{ .name = "ip-tos", .aliases = al_ip_tos, .type = OT_INT, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_TOS, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IP/IP_TOS" },
	{ .name = "ip-transparent", .aliases = al_ip_transparent, .type = OT_BOOL, .groups = G(IP4) | G(IP6),
	  .phase = PH_PREBIND, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_TRANSPARENT, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IP/IP_TRANSPARENT" },
	{ .name = "ip-ttl", .aliases = al_ip_ttl, .type = OT_INT, .groups = G(IP4) | G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IP, .a2 = IP_TTL, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IP/IP_TTL" },
	{ .name = "ipv6-authhdr", .aliases = al_ipv6_authhdr, .type = OT_INT, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IPV6, .a2 = IPV6_AUTHHDR, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IPV6/IPV6_AUTHHDR" },
	{ .name = "ipv6-dstopts", .aliases = al_ipv6_dstopts, .type = OT_INT, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IPV6, .a2 = IPV6_DSTOPTS, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IPV6/IPV6_DSTOPTS" },
	{ .name = "ipv6-hoplimit", .aliases = al_ipv6_hoplimit, .type = OT_INT, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IPV6, .a2 = IPV6_HOPLIMIT, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IPV6/IPV6_HOPLIMIT" },
	{ .name = "ipv6-hopopts", .aliases = al_ipv6_hopopts, .type = OT_INT, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IPV6, .a2 = IPV6_HOPOPTS, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IPV6/IPV6_HOPOPTS" },
	{ .name = "ipv6-join-group", .aliases = al_ipv6_join_group, .type = OT_MREQN, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_FUNC, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_ipv6_join, .multi = true,
	  .help = "join an IPv6 multicast group: group:ifname or group:ifindex" },
	{ .name = "ipv6-join-source-group", .aliases = al_ipv6_join_source_group, .type = OT_GENERIC, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_FUNC, .a1 = 1, .a2 = 0, .a3 = 0, .id = OPT_NONE, .apply = fn_ipv6_join, .multi = true,
	  .help = "join a source-specific IPv6 multicast group: group:if:source" },
	{ .name = "ipv6-pktinfo", .aliases = NULL, .type = OT_INT, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IPV6, .a2 = IPV6_PKTINFO, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IPV6/IPV6_PKTINFO" },
	{ .name = "ipv6-recvdstopts", .aliases = al_ipv6_recvdstopts, .type = OT_INT, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IPV6, .a2 = IPV6_RECVDSTOPTS, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IPV6/IPV6_RECVDSTOPTS" },
	{ .name = "ipv6-recverr", .aliases = NULL, .type = OT_INT, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IPV6, .a2 = IPV6_RECVERR, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IPV6/IPV6_RECVERR" },
	{ .name = "ipv6-recvhoplimit", .aliases = al_ipv6_recvhoplimit, .type = OT_INT, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IPV6, .a2 = IPV6_RECVHOPLIMIT, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IPV6/IPV6_RECVHOPLIMIT" },
	{ .name = "ipv6-recvhopopts", .aliases = al_ipv6_recvhopopts, .type = OT_INT, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IPV6, .a2 = IPV6_RECVHOPOPTS, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IPV6/IPV6_RECVHOPOPTS" },
	{ .name = "ipv6-recvpathmtu", .aliases = NULL, .type = OT_INT, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IPV6, .a2 = IPV6_RECVPATHMTU, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IPV6/IPV6_RECVPATHMTU" },
	{ .name = "ipv6-recvpktinfo", .aliases = al_ipv6_recvpktinfo, .type = OT_INT, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IPV6, .a2 = IPV6_RECVPKTINFO, .a3 = 0, .id = OPT_IPV6_RECVPKTINFO,
	  .help = "setsockopt IPPROTO_IPV6/IPV6_RECVPKTINFO" },
	{ .name = "ipv6-recvrthdr", .aliases = al_ipv6_recvrthdr, .type = OT_INT, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IPV6, .a2 = IPV6_RECVRTHDR, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IPV6/IPV6_RECVRTHDR" },
	{ .name = "ipv6-recvtclass", .aliases = NULL, .type = OT_INT, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IPV6, .a2 = IPV6_RECVTCLASS, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IPV6/IPV6_RECVTCLASS" },
	{ .name = "ipv6-rthdr", .aliases = al_ipv6_rthdr, .type = OT_INT, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IPV6, .a2 = IPV6_RTHDR, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IPV6/IPV6_RTHDR" },
	{ .name = "ipv6-tclass", .aliases = NULL, .type = OT_INT, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IPV6, .a2 = IPV6_TCLASS, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IPV6/IPV6_TCLASS" },
	{ .name = "ipv6-unicast-hops", .aliases = al_ipv6_unicast_hops, .type = OT_INT, .groups = G(IP6),
	  .phase = PH_PASTSOCKET, .how = OH_SOCKOPT, .a1 = IPPROTO_IPV6, .a2 = IPV6_UNICAST_HOPS, .a3 = 0, .id = OPT_NONE,
	  .help = "setsockopt IPPROTO_IPV6/IPV6_UNICAST_HOPS" },
	{ .name = "ipv6-v6only", .aliases = al_ipv6_v6only, .type = OT_INT, .groups = G(IP6),
	  .phase = PH_PREBIND, .how = OH_SOCKOPT, .a1 = IPPROTO_IPV6, .a2 = IPV6_V6ONLY, .a3 = 0, .id = OPT_IPV6ONLY,
	  .help = "IPV6_V6ONLY: 0 lets an IPv6 listener accept IPv4 too" },
	{ .name = "res-debug", .aliases = NULL, .type = OT_BOOL, .groups = G(IP4) | G(IP6),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_RES_DEBUG,
	  .help = "resolver option RES_DEBUG" },
	{ .name = "res-defnames", .aliases = al_res_defnames, .type = OT_BOOL, .groups = G(IP4) | G(IP6),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_RES_DEFNAMES,
	  .help = "resolver option RES_DEFNAMES" },
	{ .name = "res-dnsrch", .aliases = al_res_dnsrch, .type = OT_BOOL, .groups = G(IP4) | G(IP6),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_RES_DNSRCH,
	  .help = "resolver option RES_DNSRCH" },
	{ .name = "res-igntc", .aliases = al_res_igntc, .type = OT_BOOL, .groups = G(IP4) | G(IP6),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_RES_IGNTC,
	  .help = "resolver option RES_IGNTC" },
	{ .name = "res-nsaddr", .aliases = al_res_nsaddr, .type = OT_IP4SOCK, .groups = G(IP4) | G(IP6),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_RES_NSADDR,
	  .help = "use this name server (IPv4 address or name[:port], looked up once when the address opens) for lookups" },
	{ .name = "res-recurse", .aliases = al_res_recurse, .type = OT_BOOL, .groups = G(IP4) | G(IP6),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_RES_RECURSE,
	  .help = "resolver option RES_RECURSE" },
	{ .name = "res-retrans", .aliases = NULL, .type = OT_INT, .groups = G(IP4) | G(IP6),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_RES_RETRANS,
	  .help = "resolver retransmission interval" },
	{ .name = "res-retry", .aliases = NULL, .type = OT_INT, .groups = G(IP4) | G(IP6),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_RES_RETRY,
	  .help = "resolver number of retries" },
	{ .name = "res-stayopen", .aliases = al_res_stayopen, .type = OT_BOOL, .groups = G(IP4) | G(IP6),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_RES_STAYOPEN,
	  .help = "resolver option RES_STAYOPEN" },
	{ .name = "res-usevc", .aliases = al_res_usevc, .type = OT_BOOL, .groups = G(IP4) | G(IP6),
	  .phase = PH_OFFSET, .how = OH_NONE, .a1 = 0, .a2 = 0, .a3 = 0, .id = OPT_RES_USEVC,
	  .help = "resolver option RES_USEVC" },
	{ .name = NULL }
};
