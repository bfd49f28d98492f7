/*
 * Without threads: a --timestamps log is written where its buffer fills.
 * logwriter_new() says so with NULL, and the rest is never called.
 */
#include "config.h"

#include <stddef.h>

#include "tmrun.h"

/* NULL: write in place. */
struct logwriter *
logwriter_new(int fd, size_t size)
{
	(void)fd;
	(void)size;
	return (NULL);
}

/* Never called. */
char *
logwriter_buf(struct logwriter *w)
{
	(void)w;
	return (NULL);
}

/* Never called. */
int
logwriter_put(struct logwriter *w, size_t n)
{
	(void)w;
	(void)n;
	return (0);
}

/* Never called. */
int
logwriter_behind(struct logwriter *w)
{
	(void)w;
	return (0);
}

/* Never called. */
int
logwriter_wait(struct logwriter *w)
{
	(void)w;
	return (0);
}

/* Never called. */
int
logwriter_end(struct logwriter *w)
{
	(void)w;
	return (0);
}
