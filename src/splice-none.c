/* Without splice(2): capture always reads and writes. */
#include "config.h"

#include <errno.h>

#include "tmrun.h"

void
splice_setup(struct output *out)
{
	(void)out;
}

ssize_t
splice_pump(struct output *out, struct stream *s, size_t want)
{
	(void)out;
	(void)s;
	(void)want;
	errno = EINVAL;
	return (-1);
}
