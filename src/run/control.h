/* --control=PATH: a UNIX stream socket (mode 0600) in the relay's event loop that answers
 * one command a line with one JSON line: sessions, stats, close N, reload. duct ctl is its client. */
#ifndef DUCT_CONTROL_H
#define DUCT_CONTROL_H

struct loop;

/* Bind and listen at path (a stale socket file is replaced, a live one or another file is
 * not). Error printed; returns -1. */
int control_open(struct loop *lp, const char *path);
/* Close the socket and its clients and remove the file (in the process that made it). */
void control_close(void);

#endif
