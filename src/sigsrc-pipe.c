/* Portable signal source: a handler writes the signal number to a pipe. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "tmrun.h"
#include "sigsrc.h"
#include "compat.h"

static int	self_pipe[2] = { -1, -1 };

static void	handler(int);

/* Decides nothing: records the signal and restores errno. */
static void
handler(int signo)
{
	int		saved = errno;
	unsigned char	b = (unsigned char)signo;

	/* A full pipe loses a byte; the loop still wakes on the others. */
	(void)write(self_pipe[1], &b, 1);
	errno = saved;
}

/* Install the handlers, unblock the watched signals (a caller may have
 * blocked them) and return the read end of the pipe. */
int
sigsrc_open(void)
{
	struct sigaction	sa;
	int			signo;

	if (compat_pipe2(self_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		tm_die(EXIT_CANCELED, "pipe");
	sa.sa_flags = SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (signo = 1; signo < NSIG; signo++) {
		if (sigismember(&sigsrc_watched, signo) != 1)
			continue;
		/* Caught, SIGTTOU would restart a write to a `stty tostop`
		 * terminal from the background forever; ignored, the write
		 * goes through, as it does with the signal blocked. */
		sa.sa_handler = signo == SIGTTOU || signo == SIGTTIN ? SIG_IGN :
		    handler;
		if (sigaction(signo, &sa, NULL) == -1)
			tm_die(EXIT_CANCELED, "sigaction");
	}
	if (sigprocmask(SIG_UNBLOCK, &sigsrc_watched, NULL) == -1)
		tm_die(EXIT_CANCELED, "sigprocmask");
	return (self_pipe[0]);
}

/* The next signal recorded, or 0 when there is none. */
int
sigsrc_next(int fd)
{
	unsigned char	b;
	ssize_t		n;

	do
		n = read(fd, &b, 1);
	while (n == -1 && errno == EINTR);
	return (n == 1 ? b : 0);
}
