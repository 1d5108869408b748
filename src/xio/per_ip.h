/* max-per-ip=N on a stream listener: at most N live sessions per client address (IPv4 or IPv6
 * address, any port); the N+1th connection is refused (closed, logged) and the address is
 * welcome again once one of its sessions has ended. The count drops when the session's
 * endpoint is closed (endpoint.on_close), so it needs the sessions in this process: the
 * listener refuses the option with --fork-process and options that need a process. */
#ifndef DUCT_PER_IP_H
#define DUCT_PER_IP_H

#include <stdbool.h>
#include <sys/socket.h>

#include "relay/endpoint.h"

struct per_ip;

struct per_ip *per_ip_new(unsigned max);
/* The listener goes: the table stays until its last counted session has ended. */
void per_ip_release(struct per_ip *t);
/* A connection from sa: false when that address has max live sessions already; else it is
 * counted until ep is closed. Addresses other than IPv4/IPv6 are not counted (true). */
bool per_ip_admit(struct per_ip *t, const struct sockaddr *sa, struct endpoint *ep);
unsigned per_ip_max(const struct per_ip *t);

#endif
