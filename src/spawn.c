/* Starting the command: fork, its own process group, exec, exec errors. */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "tmrun.h"
#include "contain.h"
#include "sigsrc.h"

static TM_DEAD void	spawn_child(struct run *, pid_t, int);

/*
 * The child, between fork and exec: async-signal-safe calls only.  An exec
 * failure goes back to tmrun as an errno over the close-on-exec pipe.
 */
static void
spawn_child(struct run *r, pid_t parent, int errfd)
{
	int	e;

	sigsrc_child();
	if (setpgid(0, 0) == -1 || contain_child(r->ct) == -1)
		goto fail;
	output_child(r->out);
	pdeath_child(parent);
	execvp(r->o->argv[0], r->o->argv);
fail:
	e = errno;
	if (write(errfd, &e, sizeof e) == -1)
		_exit(EXIT_CANNOT_INVOKE);	/* tmrun is gone */
	_exit(e == ENOENT ? EXIT_ENOENT : EXIT_CANNOT_INVOKE);
}

/*
 * Start the command in its own process group (G1).  Returns 0 once it runs,
 * or the exit status for tmrun when it could not start (125, 126, 127).
 */
int
spawn_command(struct run *r)
{
	sigset_t	all, saved;
	pid_t		parent = getpid(), pid;
	int		errpipe[2], e;
	ssize_t		n;

	if (tm_pipe(errpipe) == -1)
		tm_die(EXIT_CANCELED, "pipe");
	/* Keep every signal out of the child until it has reset its state. */
	sigfillset(&all);
	if (sigprocmask(SIG_SETMASK, &all, &saved) == -1)
		tm_die(EXIT_CANCELED, "sigprocmask");
	r->started = clock_now();
	if ((pid = fork()) == -1)
		tm_die(EXIT_CANCELED, "fork");
	if (pid == 0) {
		close(errpipe[0]);
		spawn_child(r, parent, errpipe[1]);
	}
	if (sigprocmask(SIG_SETMASK, &saved, NULL) == -1)
		tm_warn("sigprocmask");
	/* Both sides call setpgid, so the group exists whoever runs first;
	 * EACCES means the child has already exec'd. */
	if (setpgid(pid, pid) == -1 && errno != EACCES && errno != ESRCH)
		tm_warn("setpgid");
	r->pid = pid;
	r->ct->pid = pid;
	pdeath_arm(pid);
	output_started(r->out);
	close(errpipe[1]);
	do
		n = read(errpipe[0], &e, sizeof e);
	while (n == -1 && errno == EINTR);
	close(errpipe[0]);
	if (n != (ssize_t)sizeof e)
		return (0);
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		;
	errno = e;
	tm_warn("%s", *r->o->argv[0] == '\0' ? "''" :
	    tm_quote(r->o->argv[0]));
	return (e == ENOENT ? EXIT_ENOENT : EXIT_CANNOT_INVOKE);
}
