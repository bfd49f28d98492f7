/* Without threads: a --timestamps log is written where its buffer fills. */
#include "config.h"

#include <stddef.h>

#include "tmrun.h"

struct logwriter *
logwriter_new(int fd, size_t size)
{
	(void)fd;
	(void)size;
	return (NULL);
}

char *
logwriter_buf(struct logwriter *w)
{
	(void)w;
	return (NULL);
}

int
logwriter_put(struct logwriter *w, size_t n)
{
	(void)w;
	(void)n;
	return (0);
}

int
logwriter_wait(struct logwriter *w)
{
	(void)w;
	return (0);
}

int
logwriter_end(struct logwriter *w)
{
	(void)w;
	return (0);
}
