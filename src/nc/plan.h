/* nc's data mode as a relay plan run by the shared engine. */
#ifndef DUCT_NC_PLAN_H
#define DUCT_NC_PLAN_H

#include <stddef.h>

#include "nc/args.h"

/* Returns the exit status. */
int nc_run(const struct nc_opts *o);

#endif
