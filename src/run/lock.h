/* -L / -W lock files: created holding our pid, refused (-L) or waited for (-W) while another
 * process holds them, removed at exit. */
#ifndef DUCT_LOCK_H
#define DUCT_LOCK_H
#include <stdbool.h>
int lock_acquire(const char *path, bool wait);
void lock_release(void);
#endif
