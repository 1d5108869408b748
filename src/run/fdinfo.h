/* -D: describe the fds of both endpoints on stderr before the transfer starts. */
#ifndef DUCT_FDINFO_H
#define DUCT_FDINFO_H
#include "relay/endpoint.h"
void fdinfo_dump(const struct endpoint *a, const struct endpoint *b);
#endif
