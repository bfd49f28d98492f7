/* What both signal-source backends share: the signals tmrun watches and the
 * signal state it inherited, which the command gets back (G9). */
#include "config.h"

#include <signal.h>
#include <stddef.h>

#include "tmrun.h"
#include "sigsrc.h"

static sigset_t	inherited_mask;
sigset_t	sigsrc_watched;
static sigset_t	inherited_ignored;

/* Forwarded to the command, unless the caller had them ignored. */
static const int forwarded[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
};
/* Watched so they neither end nor stop tmrun; SIGCONT wakes it (G10).  A
 * log past `ulimit -f` gets EFBIG, not SIGXFSZ. */
static const int harmless[] = {
	SIGCHLD, SIGALRM, SIGPIPE, SIGTTIN, SIGTTOU, SIGURG, SIGCONT, SIGWINCH,
	SIGXFSZ, SIGXCPU, SIGVTALRM, SIGPROF, SIGSYS,
#ifdef SIGIO
	SIGIO,
#endif
#ifdef SIGSTKFLT
	SIGSTKFLT,
#endif
#ifdef SIGPWR
	SIGPWR,
#endif
};

static void	watch_harmless(int);

/* Watch signo, noting whether the caller had it ignored.  Until the
 * signal source is open it is ignored: a FIFO log can keep tmrun waiting
 * in open(2) before that. */
static void
watch_harmless(int signo)
{
	struct sigaction	sa;

	if (sigaction(signo, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
		sigaddset(&inherited_ignored, signo);
	sigaddset(&sigsrc_watched, signo);
	if (signo == SIGCHLD)
		return;
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(signo, &sa, NULL);
}

/* Whether tmrun passes signo on to the command's group. */
int
sigsrc_is_forwarded(int signo)
{
	size_t	i;

	for (i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
		if (forwarded[i] == signo)
			return (1);
	return (0);
}

/*
 * Record the inherited mask and dispositions and choose the watched set;
 * called before anything can block.
 * SIGCHLD goes back to SIG_DFL: an inherited SIG_IGN would have the kernel
 * reap the command before tmrun sees its status.
 */
void
sigsrc_save(void)
{
	struct sigaction	sa;
	size_t			i;
	int			signo;

	sigprocmask(SIG_SETMASK, NULL, &inherited_mask);
	sigemptyset(&sigsrc_watched);
	sigemptyset(&inherited_ignored);
	for (i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) {
		if (sigaction(forwarded[i], NULL, &sa) == 0 &&
		    sa.sa_handler == SIG_IGN)
			sigaddset(&inherited_ignored, forwarded[i]);
		else
			sigaddset(&sigsrc_watched, forwarded[i]);
	}
	for (i = 0; i < sizeof harmless / sizeof harmless[0]; i++)
		watch_harmless(harmless[i]);
	for (signo = SIGRTMIN; signo <= SIGRTMAX; signo++)
		watch_harmless(signo);
	sigdelset(&inherited_ignored, SIGCHLD);
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = 0;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) == -1)
		tm_die(EXIT_CANCELED, "sigaction");
}

/*
 * In the child, before exec, with every signal blocked: give the command the
 * dispositions and mask tmrun inherited (G9).  Async-signal-safe.
 */
void
sigsrc_child(void)
{
	struct sigaction	sa;
	int			signo;

	sa.sa_flags = 0;
	sigemptyset(&sa.sa_mask);
	for (signo = 1; signo < NSIG; signo++) {
		if (sigismember(&sigsrc_watched, signo) != 1)
			continue;
		sa.sa_handler = sigismember(&inherited_ignored, signo) == 1 ?
		    SIG_IGN : SIG_DFL;
		sigaction(signo, &sa, NULL);
	}
	sigprocmask(SIG_SETMASK, &inherited_mask, NULL);
}
