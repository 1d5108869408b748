/* nc -z: port probing (TCP, UDP, UNIX), parallel with results in port order; and the same
 * connect logic for data mode, so connect messages and failures are OpenBSD's exactly. */
#ifndef DUCT_NC_SCAN_H
#define DUCT_NC_SCAN_H

#include "nc/args.h"

/* Returns the exit status. UDP with --udp-strict: 0 some port replied, 1 every port closed
 * (ICMP port unreachable), 2 no reply but not closed (open|filtered). */
int nc_scan(const struct nc_opts *o);

/* Data mode: connect to host:port_arg (or the -U path), printing nc's messages. 0 with the
 * connected (non-blocking) socket in *fd, else the exit status. */
int nc_connect(const struct nc_opts *o, const char *port_arg, int *fd);

/* Remove the -uU client's temporary socket and directory. */
void nc_cleanup_tmp(void);

#endif
