/* The relay face: socat's command line -> a relay plan. */
#ifndef DUCT_CLI_H
#define DUCT_CLI_H
int cli_main(int argc, char **argv);
#endif
