/* The nc face: netcat's flags (OpenBSD nc as Debian ships it, traditional nc's -e/-c/-o, ncat's
 * long options) parsed into nc_opts; -z probes ports itself (scan.c), everything else is a
 * relay plan run by the shared engine (plan.c). */
#include "nc/nc.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/version.h"
#include "nc/args.h"
#include "nc/messages.h"
#include "nc/plan.h"
#include "nc/scan.h"

/* Combinations ncat refuses (its words, exit 2), and what follows from --broker: ncat listens
 * when --broker is given without -l. Returns the message, or NULL. */
static const char *hub_flags(struct nc_opts *o)
{
	bool hub = o->broker || (o->keep_open && !o->exec_prog && !o->sh_cmd);
	if (o->chat && !o->listen)
		return "Invalid option combination: `--chat' with connect.";
	if (o->broker && o->udp)
		return "UDP mode does not support connection brokering.";
	if (hub && o->listen && o->udp)
		return "UDP mode does not support the -k or --keep-open options, except with --exec or --sh-exec.";
	if (o->broker)
		o->listen = true;
	return NULL;
}

int nc_main(int argc, char **argv, enum nc_dialect dialect)
{
	struct nc_opts o;
	char err[512];
	enum nc_parse_result r = nc_parse_args(argc, argv, dialect, &o, err, sizeof err);
	const bool ncat = o.dialect == NC_NCAT;
	switch (r) {
	case NC_PARSE_HELP:
		if (ncat) {
			fputs(nc_ncat_help_text, stdout);
		} else {
			fprintf(stderr, "duct nc %s (OpenBSD netcat 1.219 compatible)\n", DUCT_VERSION);
			fputs(nc_help_text, stderr);
		}
		return 0;
	case NC_PARSE_VERSION:
		if (ncat)
			nc_ncat_version_line(&o);
		else
			printf("duct nc %s (OpenBSD netcat 1.219 compatible)\n", DUCT_VERSION);
		return 0;
	case NC_PARSE_USAGE:
		if (ncat) {
			if (err[0])
				fprintf(stderr, "%s: %s\n", log_progname(), err);
			fputs("Ncat: Try `--help' or man(1) ncat for more information, usage options and help. QUITTING.\n",
			      stderr);
			return 2;
		}
		if (err[0])
			fprintf(stderr, "%s: %s\n", log_progname(), err);
		fputs(nc_usage_text, stderr);
		return 1;
	case NC_PARSE_ERROR:
		nc_err(&o, "%s", err);
		return ncat ? 2 : 1;
	case NC_PARSE_OK:
		break;
	}
	const char *no = hub_flags(&o);
	if (no) {
		nc_err(&o, "%s", no);
		return 2;
	}
	if (o.md5sig) {
		nc_err(&o, "Unable to read TCP MD5SIG password");
		return 1;
	}
	if (o.zero)
		return nc_scan(&o);
	return nc_run(&o);
}
