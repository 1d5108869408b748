/* duct ctl PATH COMMAND...: the client of a relay's control socket (--control=PATH). */
#ifndef DUCT_CTL_H
#define DUCT_CTL_H
int ctl_main(int argc, char **argv);
#endif
