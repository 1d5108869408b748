/* Line terminator conversion between two endpoints (socat's cv_newline). Internal. */
#ifndef DUCT_RELAY_TRANSFORM_H
#define DUCT_RELAY_TRANSFORM_H

#include <stddef.h>

#include "relay/endpoint.h"

/* Convert n bytes in place from the reading side's terminator to the writing side's.
 * buf must have room for 2*n bytes (to crnl may double the block). Returns the new length.
 * Behaviour measured against socat (same as its cv_newline):
 *   raw->cr: LF->CR          cr->raw: CR->LF           (the other byte is left alone)
 *   raw->crnl: LF->CRLF      cr->crnl: CR->CRLF
 *   crnl->raw: drop CR       crnl->cr: drop CR, LF->CR */
size_t xform_lineterm(unsigned char *buf, size_t n, enum ep_lineterm from, enum ep_lineterm to);
/* crnl-out (nc -C): every LF not already preceded by CR becomes CRLF; nothing else changes.
 * *prev is the last byte of the previous block of this direction (-1 at the start), kept
 * across calls so a CR LF split between two reads stays CR LF. buf needs room for 2*n. */
size_t xform_crnl_out(unsigned char *buf, size_t n, int *prev);
/* The terminator an endpoint reads with / writes with (crnl-out reads raw, writes crnl-out). */
static inline enum ep_lineterm xform_lt_in(enum ep_lineterm t) { return t == EP_LT_CRNL_OUT ? EP_LT_RAW : t; }

#endif
