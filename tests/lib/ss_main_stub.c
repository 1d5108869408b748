/* Stand-alone driver for the ss face (development builds only; the real entry is src/main.c). */
#include "common/log.h"
#include "ss/ss.h"

int main(int argc, char **argv)
{
	log_set_progname("ss");
	return ss_main(argc, argv);
}
