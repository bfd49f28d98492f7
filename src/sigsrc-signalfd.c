/* Signal source on Linux signalfd(2): no handlers at all. */
#include "config.h"

#include <sys/signalfd.h>

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "tmrun.h"
#include "sigsrc.h"

/* Block the watched signals and return a signalfd for them. */
int
sigsrc_open(void)
{
	int	fd;

	if (sigprocmask(SIG_BLOCK, &sigsrc_watched, NULL) == -1)
		tm_die(EXIT_CANCELED, "sigprocmask");
	fd = signalfd(-1, &sigsrc_watched, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd == -1)
		tm_die(EXIT_CANCELED, "signalfd");
	return (fd);
}

/* The next pending signal, or 0 when there is none. */
int
sigsrc_next(int fd)
{
	struct signalfd_siginfo	si;
	ssize_t			n;

	do
		n = read(fd, &si, sizeof si);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof si)
		return (0);
	return ((int)si.ssi_signo);
}
