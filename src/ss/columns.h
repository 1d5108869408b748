/* ss's text table (columns.c): the printers fill one row's cells, a cell at a time; the table
 * sizes the columns from the buffered rows and renders them. */
#ifndef DUCT_SS_COLUMNS_H
#define DUCT_SS_COLUMNS_H

#include <stdbool.h>

enum { COL_NETID, COL_STATE, COL_RECVQ, COL_SENDQ, COL_ADDR, COL_SERV, COL_RADDR, COL_RSERV, COL_PROC, COL_MAX };

/* netid_off/state_off: the column is left out (one table, one state asked for); the width of
 * a terminal on stdout is looked up here. */
void ss_table_init(bool netid_off, bool state_off);
/* the header row ("Netid State Recv-Q ...") */
void ss_table_header(void);
/* text written next goes to column col */
void ss_cell(int col);
int ss_cell_current(void);
void ss_cellf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* the row is complete: buffered for rendering */
void ss_row_end(void);
/* size the columns and render the buffered rows through ss_out_write */
void ss_table_flush(void);

#endif
