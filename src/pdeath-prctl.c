/* G8 on Linux: the kernel sends the command SIGKILL when tmrun dies. */
#include "config.h"

#include <sys/prctl.h>

#include <signal.h>
#include <unistd.h>

#include "tmrun.h"

void
pdeath_start(void)
{
}

/* In the child.  If tmrun died before prctl took effect, go now. */
void
pdeath_child(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == 0 && getppid() != parent)
		_exit(EXIT_CANCELED);
}

void
pdeath_arm(pid_t pid)
{
	(void)pid;
}

void
pdeath_done(void)
{
}
