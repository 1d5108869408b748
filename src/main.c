/* One binary, three faces: the name it was started under (or its first word) picks the
 * relay (socat's command line), nc, or ss. */
#include <string.h>

#include "cli/cli.h"
#include "cli/ctl.h"
#include "common/log.h"
#include "nc/nc.h"
#include "ss/ss.h"

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

int main(int argc, char **argv)
{
	const char *name = argc > 0 ? base(argv[0]) : "duct";

	if (!strcmp(name, "nc") || !strcmp(name, "netcat"))
		return log_set_progname(name), nc_main(argc, argv, NC_OPENBSD);
	if (!strcmp(name, "ncat"))
		return log_set_progname(name), nc_main(argc, argv, NC_NCAT);
	if (!strcmp(name, "ss"))
		return log_set_progname(name), ss_main(argc, argv);
	if (argc > 1 && (!strcmp(argv[1], "nc") || !strcmp(argv[1], "netcat"))) {
		log_set_progname("nc");
		return nc_main(argc - 1, argv + 1, NC_OPENBSD);
	}
	if (argc > 1 && !strcmp(argv[1], "ncat")) {
		log_set_progname("ncat");
		return nc_main(argc - 1, argv + 1, NC_NCAT);
	}
	if (argc > 1 && !strcmp(argv[1], "ss")) {
		log_set_progname("ss");
		return ss_main(argc - 1, argv + 1);
	}
	if (argc > 1 && !strcmp(argv[1], "ctl")) {
		log_set_progname("duct");
		return ctl_main(argc - 1, argv + 1);
	}
	log_set_progname(name);
	return cli_main(argc, argv);
}
