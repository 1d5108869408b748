/* The nc face: netcat's flags (OpenBSD first, traditional and ncat extras) turned into a
 * relay plan run by the same engine. */
#ifndef DUCT_NC_H
#define DUCT_NC_H
enum nc_dialect { NC_OPENBSD, NC_NCAT };
/* argv[0] is "nc"/"netcat"/"ncat" (or the subcommand word). Returns the exit status. */
int nc_main(int argc, char **argv, enum nc_dialect dialect);
#endif
