/* The poll loop and the phase machine: RUNNING -> GRACE -> KILLED ->
 * DRAINING -> DONE. */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>

#include "tmrun.h"
#include "contain.h"
#include "sigsrc.h"

#define NPFD		1
/* After SIGKILL, how long a tree may take to go before tmrun leaves (G10). */
#define GIVE_UP		(1 * NS_PER_S)
/* A tree that sends no event when it empties is looked at this often. */
#define RECHECK_MIN	(10 * NS_PER_MS)
#define RECHECK_MAX	(250 * NS_PER_MS)

static void	supervise_reap(struct run *);
static void	supervise_record(struct run *, int, int, int64_t);
static void	supervise_send(struct run *, int, int64_t);
static void	supervise_terminate(struct run *, int, int64_t);
static void	supervise_kill(struct run *, int64_t);
static void	supervise_signal(struct run *, int, int64_t);
static int	supervise_fill(struct run *, struct pollfd *);
static void	supervise_dispatch(struct run *, struct pollfd *, int,
		    int64_t);
static void	supervise_step(struct run *, int64_t);
static int64_t	supervise_next(const struct run *);
static void	supervise_summary(const struct run *);

static int
is_forwarded(int signo)
{
	return (signo == SIGINT || signo == SIGTERM || signo == SIGHUP ||
	    signo == SIGQUIT || signo == SIGUSR1 || signo == SIGUSR2);
}

/* Collect every child that has ended; a subreaper also gets orphans. */
static void
supervise_reap(struct run *r)
{
	pid_t	pid;
	int	status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0 ||
	    (pid == -1 && errno == EINTR)) {
		if (pid == r->pid) {
			r->reaped = 1;
			r->status = status;
		}
	}
}

/* Note a signal sent, for -v and the report. */
static void
supervise_record(struct run *r, int signo, int n, int64_t now)
{
	char	name[16];

	if (r->nsent < MAX_SIGREC) {
		r->sent[r->nsent].signo = signo;
		r->sent[r->nsent].at = now - r->started;
		r->sent[r->nsent].processes = n;
		r->nsent++;
	}
	logv("sent %s to %d process%s", signal_name(signo, name, sizeof name),
	    n, n == 1 ? "" : "es");
}

/* Signal the whole tree and record it. */
static void
supervise_send(struct run *r, int signo, int64_t now)
{
	char	name[16];
	int	n;

	if ((n = contain_signal(r->ct, signo)) == -1) {
		tm_warn("cannot send %s", signal_name(signo, name, sizeof name));
		n = 0;
	}
	supervise_record(r, signo, n, now);
}

/*
 * First signal to the tree, with SIGCONT so that stopped processes act on
 * it (G2); SIGKILL follows after the grace, or at once with -k 0.
 */
static void
supervise_terminate(struct run *r, int signo, int64_t now)
{
	supervise_send(r, signo, now);
	if (signo == SIGKILL || r->o->kill_after == 0) {
		supervise_kill(r, now);
		return;
	}
	if (signo != SIGCONT && contain_signal(r->ct, SIGCONT) == -1)
		tm_warn("cannot send SIGCONT");
	r->phase = PHASE_GRACE;
	r->kill_at = clock_add(now, r->o->kill_after);
}

/* SIGKILL to the tree, unless the first signal already was. */
static void
supervise_kill(struct run *r, int64_t now)
{
	if (r->nsent == 0 || r->sent[r->nsent - 1].signo != SIGKILL)
		supervise_send(r, SIGKILL, now);
	r->phase = PHASE_KILLED;
	r->kill_at = clock_add(now, GIVE_UP);
}

/*
 * A signal to tmrun.  Forwarded ones go to the command's group and start
 * the grace; a second SIGINT during the grace kills at once.  The rest
 * only wake the loop (SIGCONT: act on a deadline passed while stopped).
 */
static void
supervise_signal(struct run *r, int signo, int64_t now)
{
	int	n;

	if (!is_forwarded(signo) || r->phase == PHASE_KILLED ||
	    r->phase == PHASE_DRAINING)
		return;
	if (signo == SIGINT && r->phase == PHASE_GRACE) {
		supervise_kill(r, now);
		return;
	}
	/* The group, as a terminal would; the whole tree at the kill. */
	if ((n = contain_pgroup.signal(r->ct, signo)) == -1)
		n = 0;
	supervise_record(r, signo, n, now);
	if (r->phase == PHASE_RUNNING) {
		r->why = WHY_SIGNAL;
		if (r->o->kill_after == 0)
			supervise_kill(r, now);
		else {
			r->phase = PHASE_GRACE;
			r->kill_at = clock_add(now, r->o->kill_after);
		}
	}
}

/* The descriptors to wait on this pass. */
static int
supervise_fill(struct run *r, struct pollfd *pfd)
{
	pfd[0].fd = r->sigfd;
	pfd[0].events = POLLIN;
	return (1);
}

static void
supervise_dispatch(struct run *r, struct pollfd *pfd, int nfd, int64_t now)
{
	int	signo;

	(void)nfd;
	if (pfd[0].revents != 0) {
		while ((signo = sigsrc_next(r->sigfd)) != 0)
			supervise_signal(r, signo, now);
		/* Any wake-up may follow a SIGCHLD; a waitpid is cheap. */
		supervise_reap(r);
	}
}

/*
 * Move the phase on from what is known now.  The only place phases change
 * apart from the signal handling above.
 */
static void
supervise_step(struct run *r, int64_t now)
{
	char	buf[32];

	if (r->phase == PHASE_RUNNING && r->reaped) {
		if (contain_empty(r->ct))
			r->phase = PHASE_DRAINING;
		else {
			/* G4: what the command left behind goes too. */
			r->why = WHY_LEFTOVERS;
			logv("the command exited; terminating what it left");
			supervise_terminate(r, SIGTERM, now);
		}
	} else if (r->phase == PHASE_RUNNING && now >= r->deadline) {
		r->timed_out = 1;
		r->why = WHY_DEADLINE;
		format_duration(r->o->timeout, buf, sizeof buf);
		logv("timed out after %s (deadline)", buf);
		supervise_terminate(r, r->o->signal, now);
	}
	if (r->phase == PHASE_GRACE && now >= r->kill_at)
		supervise_kill(r, now);
	if (r->phase == PHASE_GRACE || r->phase == PHASE_KILLED) {
		if (r->reaped && contain_empty(r->ct))
			r->phase = PHASE_DRAINING;
		else if (r->phase == PHASE_KILLED && now >= r->kill_at) {
			tm_warnx("processes outlived SIGKILL; leaving them");
			r->phase = PHASE_DRAINING;
		} else if (r->reaped && now >= r->recheck_at) {
			/* Leftovers send no event when they go. */
			r->recheck_gap = r->recheck_gap == 0 ? RECHECK_MIN :
			    r->recheck_gap * 2;
			if (r->recheck_gap > RECHECK_MAX)
				r->recheck_gap = RECHECK_MAX;
			r->recheck_at = clock_add(now, r->recheck_gap);
		}
	}
	if (r->phase == PHASE_DRAINING) {
		r->phase = PHASE_DONE;
		r->ended = now;
	}
}

/* The nearest instant at which supervise_step has something to do. */
static int64_t
supervise_next(const struct run *r)
{
	int64_t	t = TM_NEVER;

	if (r->phase == PHASE_RUNNING)
		t = r->deadline;
	else if (r->phase == PHASE_GRACE || r->phase == PHASE_KILLED)
		t = r->kill_at;
	if (r->reaped && r->recheck_at < t)
		t = r->recheck_at;
	return (t);
}

/*
 * Supervise until the command and everything it started are gone.
 * Returns -1 only if poll itself fails.
 */
int
supervise_run(struct run *r)
{
	struct pollfd	pfd[NPFD];
	int		n, nfd;

	r->deadline = r->o->timeout == 0 ? TM_NEVER :
	    clock_add(r->started, r->o->timeout);
	r->kill_at = TM_NEVER;
	supervise_step(r, clock_now());
	while (r->phase != PHASE_DONE) {
		nfd = supervise_fill(r, pfd);
		n = poll(pfd, nfd, clock_timeout_ms(supervise_next(r),
		    clock_now()));
		if (n == -1 && errno != EINTR)
			return (-1);
		if (n > 0)
			supervise_dispatch(r, pfd, nfd, clock_now());
		supervise_step(r, clock_now());
	}
	supervise_summary(r);
	return (0);
}

/* tmrun's exit status from how the run ended. */
int
supervise_exit_code(const struct run *r)
{
	if (r->timed_out && !r->o->preserve_status)
		return (EXIT_TIMEDOUT);
	if (!r->reaped)
		return (128 + SIGKILL);
	if (WIFEXITED(r->status))
		return (WEXITSTATUS(r->status));
	if (WIFSIGNALED(r->status))
		return (128 + WTERMSIG(r->status));
	return (EXIT_CANCELED);
}

/* -v: the last line says how the command ended and what tmrun returns. */
static void
supervise_summary(const struct run *r)
{
	char	name[16];
	int64_t	ms = (r->ended - r->started) / NS_PER_MS;

	if (r->reaped && WIFSIGNALED(r->status))
		logv("command killed by %s after %" PRId64 ".%03" PRId64
		    "s%s; exit status %d", signal_name(WTERMSIG(r->status),
		    name, sizeof name), ms / 1000, ms % 1000,
		    r->timed_out ? " (timed out)" : "",
		    supervise_exit_code(r));
	else if (r->reaped)
		logv("command exited with status %d after %" PRId64 ".%03"
		    PRId64 "s%s; exit status %d", WEXITSTATUS(r->status),
		    ms / 1000, ms % 1000, r->timed_out ? " (timed out)" : "",
		    supervise_exit_code(r));
	else
		logv("command not reaped after %" PRId64 ".%03" PRId64
		    "s; exit status %d", ms / 1000, ms % 1000,
		    supervise_exit_code(r));
}
