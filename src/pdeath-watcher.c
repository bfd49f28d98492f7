/*
 * G8 without a parent-death signal: a watcher process outside the command's
 * group holds the read end of a pipe from tmrun.  tmrun writes the command's
 * pid once it runs and 0 before it exits; end-of-file with a pid and no 0
 * means tmrun died, and the watcher kills the command's group.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "tmrun.h"

static int	watch_fd = -1;

static TM_DEAD void	pdeath_watch(int);

/* The watcher: nothing but blocking reads until tmrun says 0 or goes. */
static void
pdeath_watch(int fd)
{
	pid_t	pid, target = 0;
	ssize_t	n;

	/* Ctrl-C and friends are for tmrun: the watcher lives on. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	for (;;) {
		n = read(fd, &pid, sizeof pid);
		if (n == -1 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof pid)
			break;
		if (pid == 0)
			_exit(0);
		target = pid;
	}
	if (target > 0) {
		kill(-target, SIGKILL);
		kill(target, SIGKILL);
	}
	_exit(0);
}

/* Fork the watcher; without one tmrun still runs, unguarded. */
void
pdeath_start(void)
{
	int	fd[2];
	pid_t	pid;

	if (tm_pipe(fd) == -1) {
		tm_warn("pipe");
		return;
	}
	if ((pid = fork()) == -1) {
		tm_warn("fork");
		close(fd[0]);
		close(fd[1]);
		return;
	}
	if (pid == 0) {
		close(fd[1]);
		pdeath_watch(fd[0]);
	}
	close(fd[0]);
	watch_fd = fd[1];
}

void
pdeath_child(pid_t parent)
{
	(void)parent;
}

/* Tell the watcher which group to kill if tmrun goes. */
void
pdeath_arm(pid_t pid)
{
	if (watch_fd != -1 && write_all(watch_fd, &pid, sizeof pid) == -1)
		tm_warn("watcher");
}

/* tmrun is leaving on its own: stand the watcher down. */
void
pdeath_done(void)
{
	pid_t	zero = 0;

	if (watch_fd != -1)
		(void)write_all(watch_fd, &zero, sizeof zero);	/* gone is fine */
}
