/* The ss face: socket statistics over netlink sock_diag, as iproute2 ss 6.1 prints them. */
#ifndef DUCT_SS_H
#define DUCT_SS_H
/* argv[0] is "ss" (or the subcommand word). Returns the exit status. */
int ss_main(int argc, char **argv);
#include <stdbool.h>
/* Every flag of the ss face, short (-t) and long (--tcp), for shell completion. */
void ss_flags_foreach(void (*fn)(const char *flag, bool takes_value, void *arg), void *arg);
#endif
