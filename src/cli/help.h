/* -V and -h/-hh/-hhh output in socat's layout. */
#ifndef DUCT_HELP_H
#define DUCT_HELP_H
#include <stdio.h>
void help_version(FILE *out);
/* level 1: -h, 2: -hh, 3: -hhh */
void help_usage(FILE *out, int level);
/* Every global option -h explains (-d, -lf, --statistics ...), for shell completion. */
void help_flags_foreach(void (*fn)(const char *flag, void *arg), void *arg);
#endif
