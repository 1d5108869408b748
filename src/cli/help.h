/* -V and -h/-hh/-hhh output in socat's layout. */
#ifndef DUCT_HELP_H
#define DUCT_HELP_H
#include <stdio.h>
void help_version(FILE *out);
/* level 1: -h, 2: -hh, 3: -hhh */
void help_usage(FILE *out, int level);
#endif
