/*
 * For the tests: the size of the pipe on each descriptor given, one line
 * each; 0 for one that is not a pipe, -1 where the size cannot be read.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
	int	i, n;

	for (i = 1; i < argc; i++) {
#ifdef F_GETPIPE_SZ
		n = fcntl(atoi(argv[i]), F_GETPIPE_SZ);
		if (n == -1)
			n = 0;
#else
		n = -1;
#endif
		printf("%d\n", n);
	}
	return (fflush(stdout) == EOF);
}
