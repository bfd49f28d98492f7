/* The portable backend: the command's process group, kill(-pgid).  What
 * leaves the group escapes it (see CAVEATS in the man page). */
#include "config.h"

#include <errno.h>
#include <signal.h>

#include "tmrun.h"
#include "contain.h"

struct collect {
	pid_t	 pgid;
	pid_t	*pids;
	int	 max;
	int	 n;
};

static int	pgroup_open(struct contain *);
static int	pgroup_child(struct contain *);
static int	pgroup_collect(const struct procinfo *, void *);
static int	pgroup_list(struct contain *, pid_t *, int);
static int	pgroup_signal(struct contain *, int);
static int	pgroup_empty(struct contain *);
static void	pgroup_close(struct contain *);

const struct contain_ops contain_pgroup = {
	"pgroup", pgroup_open, pgroup_child, pgroup_list, pgroup_signal,
	pgroup_empty, pgroup_close,
};

static int
pgroup_open(struct contain *ct)
{
	(void)ct;
	return (0);
}

/* spawn makes the group; nothing more to do. */
static int
pgroup_child(struct contain *ct)
{
	(void)ct;
	return (0);
}

static int
pgroup_collect(const struct procinfo *pi, void *arg)
{
	struct collect	*c = arg;

	if (pi->pgid == c->pgid) {
		if (c->n < c->max)
			c->pids[c->n] = pi->pid;
		c->n++;
	}
	return (0);
}

/* The live members of the group, from /proc. */
static int
pgroup_list(struct contain *ct, pid_t *pids, int max)
{
	struct collect	c = { ct->pid, pids, max, 0 };

	if (proc_each(pgroup_collect, &c) == -1)
		return (-1);
	return (c.n);
}

/* Without /proc the count is unknown: say 1 if anyone got it. */
static int
pgroup_signal(struct contain *ct, int signo)
{
	int	n;

	n = pgroup_list(ct, NULL, 0);
	if (kill(-ct->pid, signo) == -1)
		return (errno == ESRCH ? 0 : -1);
	return (n == -1 ? 1 : n);
}

/* The group outlives its leader while members remain; zombies waiting
 * for a parent do not count. */
static int
pgroup_empty(struct contain *ct)
{
	if (kill(-ct->pid, 0) == -1 && errno == ESRCH)
		return (1);
	return (pgroup_list(ct, NULL, 0) == 0);
}

static void
pgroup_close(struct contain *ct)
{
	(void)ct;
}
