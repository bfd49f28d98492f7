/* The containment backend table and the calls supervise makes through it. */
#include "config.h"

#include <errno.h>
#include <stddef.h>

#include "tmrun.h"
#include "contain.h"

/* Strongest first: --contain=auto takes the first that opens. */
static const struct contain_ops *const backends[] = {
	[CONTAIN_PGROUP] = &contain_pgroup,
};
static const enum contain_kind auto_order[] = { CONTAIN_PGROUP };

/*
 * Open the backend of kind, or for CONTAIN_AUTO the first that works.
 * Returns 0, or -1 if the one asked for is unavailable.
 */
int
contain_open(struct contain *ct, int kind)
{
	size_t	i;

	ct->pid = -1;
	if (kind != CONTAIN_AUTO) {
		if ((size_t)kind >= sizeof backends / sizeof backends[0] ||
		    backends[kind] == NULL) {
			errno = ENOSYS;
			return (-1);
		}
		ct->ops = backends[kind];
		return (ct->ops->open(ct));
	}
	for (i = 0; i < sizeof auto_order / sizeof auto_order[0]; i++) {
		ct->ops = backends[auto_order[i]];
		if (ct->ops->open(ct) == 0)
			return (0);
	}
	return (-1);
}

int
contain_child(struct contain *ct)
{
	return (ct->ops->child(ct));
}

int
contain_list(struct contain *ct, pid_t *pids, int max)
{
	return (ct->ops->list(ct, pids, max));
}

int
contain_signal(struct contain *ct, int signo)
{
	return (ct->ops->signal(ct, signo));
}

int
contain_empty(struct contain *ct)
{
	return (ct->ops->empty(ct));
}

void
contain_close(struct contain *ct)
{
	ct->ops->close(ct);
}
