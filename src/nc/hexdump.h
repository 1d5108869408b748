/* nc's session dumps: traditional nc's -o format, ncat's -x format, ncat's -o raw copy. The
 * engine hands nc raw copies of both directions (relay_config.sniff_fd); a small thread turns
 * them into the file. The formatters are pure and unit tested. */
#ifndef DUCT_NC_HEXDUMP_H
#define DUCT_NC_HEXDUMP_H

#include <stdbool.h>
#include <stddef.h>

/* Traditional nc: "> 00000000 41 42 ... # AB..\n" lines; offset is per direction and is
 * advanced. out must hold nc_hexdump_bound(len). Returns bytes written. */
size_t nc_hexdump_trad(char *out, const unsigned char *data, size_t len, bool sent, unsigned long *offset);
/* ncat -x: "0000   41 42 ...  AB..\n", offset restarting at 0 for every chunk. */
size_t nc_hexdump_ncat(char *out, const unsigned char *data, size_t len);
size_t nc_hexdump_bound(size_t len);

enum nc_dump_kind { NC_DUMP_TRAD, NC_DUMP_NCAT_HEX, NC_DUMP_RAW };

struct nc_dumper;
/* Start a dumper writing to out_fd (owned). *sent_fd / *recv_fd get the write ends to hand to
 * the engine. Returns NULL on failure (errno). */
struct nc_dumper *nc_dumper_start(int out_fd, enum nc_dump_kind kind, int *sent_fd, int *recv_fd);
/* After the engine closed its ends: drain, close, join. */
void nc_dumper_finish(struct nc_dumper *d);

#endif
