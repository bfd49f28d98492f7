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

#define NPFD		4	/* the signal source, two capture streams, the log */
/* After SIGKILL, how long a tree may take to go before tmrun leaves (G10). */
#define GIVE_UP		(1 * NS_PER_S)
/* A tree that sends no event when it empties is looked at this often. */
#define RECHECK_MIN	(10 * NS_PER_MS)
#define RECHECK_MAX	(250 * NS_PER_MS)

static void	supervise_reap(struct run *);
static void	supervise_record(struct run *, int, int, int64_t);
static void	supervise_send(struct run *, int, int64_t);
static void	supervise_terminate(struct run *, int, int64_t, int64_t);
static void	supervise_kill(struct run *, int64_t);
static void	supervise_signal(struct run *, int, int64_t);
static int	supervise_fill(struct run *, struct pollfd *);
static void	supervise_dispatch(struct run *, struct pollfd *, int,
		    int64_t);
static void	supervise_step(struct run *, int64_t);
static int64_t	supervise_next(const struct run *);
static void	supervise_drain(struct run *);
static void	supervise_timeout(struct run *, enum why, int64_t);
static void	supervise_recheck(struct run *, int64_t);
static void	supervise_bound_drain(struct run *, int64_t);
static int64_t	supervise_idle_at(const struct run *);
static int	supervise_empty(struct run *, int64_t, int);

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
			r->reaped_at = clock_now();
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
 * it (G2); SIGKILL follows the grace counted from the instant given, or at
 * once with -k 0.
 */
static void
supervise_terminate(struct run *r, int signo, int64_t now, int64_t from)
{
	int64_t	t;

	supervise_send(r, signo, now);
	if (signo == SIGKILL || r->o->kill_after == 0) {
		supervise_kill(r, now);
		return;
	}
	if (signo != SIGCONT && contain_signal(r->ct, SIGCONT) == -1)
		tm_warn("cannot send SIGCONT");
	/* A grace already running ends no later than it would have. */
	t = clock_add(from, r->o->kill_after);
	if (r->phase != PHASE_GRACE || t < r->kill_at)
		r->kill_at = t;
	r->phase = PHASE_GRACE;
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
 * the grace; a second SIGINT during the grace kills at once.  In any phase
 * they bound the echo: the user wants out.  The rest only wake the loop
 * (SIGCONT: act on a deadline passed while stopped).
 */
static void
supervise_signal(struct run *r, int signo, int64_t now)
{
	int64_t	t;
	int	n;

	if (!sigsrc_is_forwarded(signo))
		return;
	if (r->phase == PHASE_DRAINING) {
		/* No tree to wait for: what is stuck goes now, and what gets
		 * stuck after a moment (G10). */
		output_drop_slow(r->out, 1);
		if ((t = clock_add(now, GIVE_UP)) < r->drain_until)
			r->drain_until = t;
		return;
	}
	supervise_bound_drain(r, now);
	if (r->phase == PHASE_KILLED)
		return;
	if (signo == SIGINT && r->phase == PHASE_GRACE) {
		supervise_kill(r, now);
		return;
	}
	/* The group, as a terminal would; the whole tree at the kill. */
	if ((n = contain_pgroup.signal(r->ct, signo)) == -1)
		n = 0;
	supervise_record(r, signo, n, now);
	if (r->phase == PHASE_RUNNING || r->phase == PHASE_LINGER) {
		r->why = WHY_SIGNAL;
		if (r->o->kill_after == 0)
			supervise_kill(r, now);
		else {
			r->phase = PHASE_GRACE;
			r->kill_at = clock_add(now, r->o->kill_after);
		}
	}
}

/* From now, the tree gets its grace and the echo as long, plus a moment. */
static void
supervise_bound_drain(struct run *r, int64_t now)
{
	int64_t	t = clock_add(now, clock_add(r->o->kill_after, GIVE_UP));

	if (t < r->drain_until)
		r->drain_until = t;
}

/* The descriptors to wait on this pass. */
static int
supervise_fill(struct run *r, struct pollfd *pfd)
{
	pfd[0].fd = r->sigfd;
	pfd[0].events = POLLIN;
	return (1 + output_fill(r->out, pfd + 1, NPFD - 1));
}

static void
supervise_dispatch(struct run *r, struct pollfd *pfd, int nfd, int64_t now)
{
	int	signo;

	output_dispatch(r->out, pfd + 1, nfd - 1, now);
	if (pfd[0].revents != 0) {
		while ((signo = sigsrc_next(r->sigfd)) != 0)
			supervise_signal(r, signo, now);
		/* Any wake-up may follow a SIGCHLD; a waitpid is cheap. */
		supervise_reap(r);
	}
}

/* The tree is gone, or let go: read what is left, then done (G3). */
static void
supervise_drain(struct run *r)
{
	r->phase = PHASE_DRAINING;
	output_drain_start(r->out);
}

/* -t or -i fired: the first signal to the whole tree.  The grace counts
 * from the instant it fired, not from when a stopped tmrun woke (G10). */
static void
supervise_timeout(struct run *r, enum why why, int64_t now)
{
	char	buf[32];
	int64_t	at;

	at = why == WHY_IDLE ? supervise_idle_at(r) : r->deadline;
	if (at > now)
		at = now;
	r->timed_out = 1;
	r->why = why;
	supervise_bound_drain(r, at);
	format_duration(why == WHY_IDLE ? r->o->idle : r->o->timeout, buf,
	    sizeof buf);
	logv("timed out after %s%s", buf, why == WHY_IDLE ?
	    " without output (idle)" : " (deadline)");
	supervise_terminate(r, r->o->signal, now, at);
}

/* When -i is due to fire: idle_passed then says whether it does. */
static int64_t
supervise_idle_at(const struct run *r)
{
	if (r->o->idle == 0 || r->out->idle_parked)
		return (TM_NEVER);
	return (clock_add(r->out->last_byte, r->o->idle));
}

/* Leftovers send no event when they go: look again, less and less often. */
static void
supervise_recheck(struct run *r, int64_t now)
{
	if (now < r->recheck_at)
		return;
	r->recheck_gap = r->recheck_gap == 0 ? RECHECK_MIN : r->recheck_gap * 2;
	if (r->recheck_gap > RECHECK_MAX)
		r->recheck_gap = RECHECK_MAX;
	r->recheck_at = clock_add(now, r->recheck_gap);
}

/* Whether the tree is gone.  Output from leftovers wakes the loop often:
 * /proc is read at most every RECHECK_MIN (then supervise_next wakes the
 * loop for the look put off), unless a decision waits on it (force). */
static int
supervise_empty(struct run *r, int64_t now, int force)
{
	if (!force && now < r->scan_at) {
		r->scan_due = 1;
		return (0);
	}
	r->scan_due = 0;
	r->scan_at = clock_add(now, RECHECK_MIN);
	return (contain_empty(r->ct));
}

/*
 * Move the phase on from what is known now.  The only place phases change
 * apart from the signal handling above.
 */
static void
supervise_step(struct run *r, int64_t now)
{
	const struct opts	*o = r->o;

	if (r->phase == PHASE_RUNNING && r->reaped) {
		if ((o->keep_orphans && o->wait_delay == 0) ||
		    supervise_empty(r, now, 1))
			supervise_drain(r);
		else {
			r->phase = PHASE_LINGER;
			r->linger_until = clock_add(now, o->wait_delay);
		}
	} else if (r->phase == PHASE_RUNNING && now >= r->deadline)
		supervise_timeout(r, WHY_DEADLINE, now);
	else if (r->phase == PHASE_RUNNING && now >= supervise_idle_at(r) &&
	    idle_passed(r->out, now, r->o->idle))
		supervise_timeout(r, WHY_IDLE, now);
	if (r->phase == PHASE_LINGER) {
		if (supervise_empty(r, now, now >= r->deadline ||
		    now >= r->linger_until))
			supervise_drain(r);
		else if (now >= r->deadline)
			supervise_timeout(r, WHY_DEADLINE, now);
		else if (now >= r->linger_until && o->keep_orphans) {
			logv("the command exited; leaving what it left running");
			supervise_drain(r);
		} else if (now >= r->linger_until) {
			/* G4: what the command left behind goes too. */
			r->why = WHY_LEFTOVERS;
			logv("the command exited; terminating what it left");
			supervise_terminate(r, SIGTERM, now, now);
		} else
			supervise_recheck(r, now);
	}
	/* A command that survives a forwarded signal is still under -t and
	 * -i. */
	if (r->phase == PHASE_GRACE && !r->timed_out && !r->reaped) {
		if (now >= r->deadline)
			supervise_timeout(r, WHY_DEADLINE, now);
		else if (now >= supervise_idle_at(r) &&
		    idle_passed(r->out, now, r->o->idle))
			supervise_timeout(r, WHY_IDLE, now);
	}
	if ((r->phase == PHASE_GRACE || r->phase == PHASE_KILLED) &&
	    r->reaped) {
		if (supervise_empty(r, now, now >= r->kill_at))
			supervise_drain(r);
		else
			supervise_recheck(r, now);
	}
	if (r->phase == PHASE_GRACE && now >= r->kill_at)
		supervise_kill(r, now);
	else if (r->phase == PHASE_KILLED && now >= r->kill_at) {
		tm_warnx("processes outlived SIGKILL; leaving them");
		supervise_drain(r);
	}
	if (r->phase == PHASE_DRAINING && now >= r->drain_until)
		output_drop_slow(r->out, 0);	/* G10 */
	if (r->phase == PHASE_DRAINING && output_done(r->out)) {
		r->phase = PHASE_DONE;
		r->ended = now;
	}
}

/* The nearest instant at which supervise_step has something to do. */
static int64_t
supervise_next(const struct run *r)
{
	int64_t	t = TM_NEVER, idle;

	switch (r->phase) {
	case PHASE_RUNNING:
		t = r->deadline;
		if ((idle = supervise_idle_at(r)) < t)
			t = idle;
		break;
	case PHASE_LINGER:
		t = r->linger_until < r->deadline ? r->linger_until :
		    r->deadline;
		break;
	case PHASE_GRACE:
		t = r->kill_at;
		if (!r->timed_out && !r->reaped) {	/* -t and -i hold */
			if (r->deadline < t)
				t = r->deadline;
			if ((idle = supervise_idle_at(r)) < t)
				t = idle;
		}
		break;
	case PHASE_KILLED:
		t = r->kill_at;
		break;
	default:
		t = r->drain_until;
		break;
	}
	if ((r->phase == PHASE_LINGER || r->phase == PHASE_GRACE ||
	    r->phase == PHASE_KILLED) && r->reaped && r->recheck_at < t)
		t = r->recheck_at;
	if (r->scan_due && r->phase != PHASE_DRAINING && r->scan_at < t)
		t = r->scan_at;
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
	/* G10: with a deadline, echo waits no longer than its grace. */
	r->drain_until = clock_add(r->deadline, clock_add(r->o->kill_after,
	    GIVE_UP));
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

/* -v: the last line says how the command ended, when, and what tmrun
 * returns: after the log's last bytes and what --output-on-failure holds. */
void
supervise_summary(const struct run *r)
{
	char	name[16];
	int64_t	ms = ((r->reaped ? r->reaped_at : r->ended) - r->started) /
		    NS_PER_MS;

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
