/* OPENSSL-DTLS-CLIENT and OPENSSL-DTLS-SERVER: a UDP socket through the socket machinery
 * (the server connects to its first client, as UDP-LISTEN), then the DTLS handshake and the
 * endpoint shared with TLS (tls.c), with DTLS retransmissions on the layer's timer. */
#include <netinet/in.h>
#include <stdbool.h>

#include "common/log.h"
#include "xio/tls.h"
#include "xio/tls_handlers.h"

static const struct layer_vt dtls_vt = {
	.what = "DTLS handshake",
	.begin = tls_handshake_begin,
	.step = tls_handshake_step,
	.drop = tls_handshake_drop,
	.free_cfg = tls_cfg_free,
};

static int inner_dtls_connect(struct xio_open *inner, void *arg)
{
	(void)arg;
	int fam = sk_ip_family(inner, XARG_FAM(inner->h->arg));
	if (fam < 0)
		return -1;
	int flags = sk_resolve_flags(inner, false);
	struct sk_req rq;
	sk_req_init(&rq, SK_DG_CONNECT, fam, SOCK_DGRAM, IPPROTO_UDP);
	rq.proto_name = "udp";
	rq.listen_word = "UDP ";
	char err[600];
	if (sa_resolve(inner->spec->params[0], inner->spec->params[1], fam, inner->g ? inner->g->ipv : 4, SOCK_DGRAM,
		       IPPROTO_UDP, flags, &rq.peers, err, sizeof err) < 0) {
		ERR("%s", err);
		sk_req_free(&rq);
		return -1;
	}
	return sk_open(inner, &rq);
}

static int inner_dtls_listen(struct xio_open *inner, void *arg)
{
	(void)arg;
	int fam = sk_ip_family(inner, XARG_FAM(inner->h->arg));
	if (fam < 0)
		return -1;
	struct sk_req rq;
	sk_req_init(&rq, SK_DG_LISTEN, fam, SOCK_DGRAM, IPPROTO_UDP);
	rq.proto_name = "udp";
	rq.listen_word = "UDP ";
	if (sk_ip_local(inner, fam, inner->spec->params[0], SOCK_DGRAM, IPPROTO_UDP, &rq.local) < 0) {
		sk_req_free(&rq);
		return -1;
	}
	rq.has_local = true;
	rq.domain = rq.local.u.sa.sa_family;
	return sk_open(inner, &rq);
}

static int dtls_client_open(struct xio_open *op) { return tls_layer_open(op, &dtls_vt, false, true, inner_dtls_connect); }
static int dtls_server_open(struct xio_open *op) { return tls_layer_open(op, &dtls_vt, true, true, inner_dtls_listen); }

#define DTLS_C_GROUPS (G(FD) | G(SOCKET) | G(IP4) | G(IP6) | G(UDP) | G(OPENSSL) | G(CHILD) | G(RETRY))
#define DTLS_L_GROUPS (DTLS_C_GROUPS | G(LISTEN) | G(RANGE))

static const char *const al_dtlsc[] = { "DTLS", "DTLS-C", "DTLS-CLIENT", "DTLS-CONNECT", "OPENSSL-DTLS-CONNECT", NULL };
static const char *const al_dtlsl[] = { "DTLS-L", "DTLS-LISTEN", "DTLS-SERVER", "OPENSSL-DTLS-LISTEN", NULL };

const struct xio_handler xio_openssl_dtls_client = {
	.name = "OPENSSL-DTLS-CLIENT", .aliases = al_dtlsc, .usage = ":<host>:<port>", .min_params = 2,
	.max_params = 2, .groups = DTLS_C_GROUPS, .dirs = XIO_RDWR, .arg = AF_UNSPEC, .flags = XH_MULTI,
	.open = dtls_client_open, .stop = layer_stop, .resume = layer_resume,
	.help = "DTLS client over UDP (datagrams have no EOF: use -T)",
};
const struct xio_handler xio_openssl_dtls_server = {
	.name = "OPENSSL-DTLS-SERVER", .aliases = al_dtlsl, .usage = ":<port>", .min_params = 1, .max_params = 1,
	.groups = DTLS_L_GROUPS, .dirs = XIO_RDWR, .arg = AF_UNSPEC, .flags = XH_MULTI,
	.open = dtls_server_open, .stop = layer_stop, .resume = layer_resume,
	.help = "DTLS server over UDP (the first client becomes the peer, as UDP-LISTEN)",
};
