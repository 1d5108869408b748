/* --pcap: every session's relayed bytes written to one capture file per process, as TCP or
 * UDP packets between the real addresses of each socket endpoint (a "leg"). The capture never
 * blocks or ends a session: a write that fails or would block stops the capture with a log
 * line and the sessions go on. */
#ifndef DUCT_RELAY_CAPTURE_H
#define DUCT_RELAY_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "relay/endpoint.h"

/* Open (create, truncate) path and write the file header; snaplen bounds each record. An
 * open that fails: message naming the option, returns -1. A header write that fails (a full
 * disk): the capture is off with a warning, returns 0. */
int capture_open(const char *path, uint32_t snaplen);
/* A capture is being written: sessions take the buffered path so the engine sees the bytes. */
bool capture_on(void);

struct capture_session;
/* The legs of a new session (a = address 1, b = address 2); NULL when nothing is captured.
 * Writes the TCP handshakes. */
struct capture_session *capture_session_new(const struct endpoint *a, const struct endpoint *b);
/* n bytes relayed in direction dir (0: read from a, written to b; 1: the other way). */
void capture_session_data(struct capture_session *c, int dir, const void *p, size_t n);
/* Write the FINs and free c (NULL: nothing). */
void capture_session_end(struct capture_session *c);

#endif
