/* Placeholder until the nc face lands: says so plainly instead of pretending. */
#include "nc/nc.h"

#include <stdio.h>

int nc_main(int argc, char **argv, enum nc_dialect dialect)
{
	(void)argc;
	(void)dialect;
	fprintf(stderr, "%s: the nc face of duct is not built yet; use the relay: duct TCP:host:port -\n", argv[0]);
	return 1;
}
