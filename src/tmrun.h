/*
 * tmrun: run a command with a time limit, contain its whole process tree
 * and never hang on its output.
 */
#ifndef TMRUN_H
#define TMRUN_H

#include <sys/types.h>

#include <signal.h>
#include <stdint.h>

#define TM_PRINTFLIKE(a, b)	__attribute__((format(printf, a, b)))
#define TM_DEAD			__attribute__((noreturn))

enum {
	EXIT_LOCKED = 75,		/* EX_TEMPFAIL: --lock is held */
	EXIT_TIMEDOUT = 124,
	EXIT_CANCELED = 125,		/* tmrun itself failed */
	EXIT_CANNOT_INVOKE = 126,
	EXIT_ENOENT = 127,
};

/* Times are nanoseconds; TM_NEVER is "no deadline". */
#define TM_NEVER	INT64_MAX
#define NS_PER_MS	INT64_C(1000000)
#define NS_PER_S	INT64_C(1000000000)

enum contain_kind {
	CONTAIN_AUTO,
	CONTAIN_CGROUP,
	CONTAIN_SUBREAPER,
	CONTAIN_PGROUP,
};

/* Everything the command line says; filled by options.c, then read-only. */
struct opts {
	int64_t		 timeout;	/* 0: none */
	int64_t		 kill_after;
	int		 signal;
	int		 verbose;
	int		 preserve_status;
	enum contain_kind contain;
	char		**argv;		/* the command */
};

enum phase {
	PHASE_RUNNING,		/* the command runs, no signal sent yet */
	PHASE_GRACE,		/* first signal sent, SIGKILL at kill_at */
	PHASE_KILLED,		/* SIGKILL sent, waiting for the tree to go */
	PHASE_DRAINING,		/* tree gone, reading what is left */
	PHASE_DONE,
};

enum why {
	WHY_NONE,
	WHY_DEADLINE,		/* -t fired */
	WHY_SIGNAL,		/* tmrun received a signal and forwarded it */
	WHY_LEFTOVERS,		/* the command exited, descendants remain */
};

#define MAX_SIGREC	8

/* One signal sent to the tree, for -v and the report. */
struct sigrec {
	int		 signo;
	int64_t		 at;		/* ns since the command started */
	int		 processes;
};

struct contain;

/* One process as /proc shows it. */
struct procinfo {
	pid_t		 pid;
	pid_t		 ppid;
	pid_t		 pgid;
	pid_t		 sid;
	char		 state;
	unsigned long long start;	/* clock ticks after boot */
};

/* The state of one supervised run. */
struct run {
	const struct opts *o;
	struct contain	*ct;
	pid_t		 pid;		/* the command; its pgid too (G1) */
	int		 sigfd;
	enum phase	 phase;
	enum why	 why;
	int		 timed_out;
	int		 reaped;
	int		 status;	/* wait status of the command */
	int64_t		 started;
	int64_t		 deadline;	/* -t instant, or TM_NEVER */
	int64_t		 kill_at;	/* SIGKILL, or giving up after it */
	int64_t		 recheck_at;	/* next look at an unwatchable tree */
	int64_t		 recheck_gap;
	int64_t		 ended;
	struct sigrec	 sent[MAX_SIGREC];
	int		 nsent;
};

/* clock.c */
int64_t		 clock_now(void);
int64_t		 clock_add(int64_t, int64_t);
int		 clock_timeout_ms(int64_t, int64_t);

/* options.c */
void		 options_parse(struct opts *, int, char **);

/* parse.c */
int		 parse_duration(const char *, int64_t *);
int		 parse_signal(const char *);
const char	*signal_name(int, char *, size_t);
void		 format_duration(int64_t, char *, size_t);

/* pdeath-prctl.c | pdeath-watcher.c: G8 */
void		 pdeath_start(void);
void		 pdeath_child(pid_t);
void		 pdeath_arm(pid_t);
void		 pdeath_done(void);

/* proc.c */
int		 proc_stat(pid_t, struct procinfo *);
int		 proc_each(int (*)(const struct procinfo *, void *), void *);

/* spawn.c */
int		 spawn_command(struct run *);

/* supervise.c */
int		 supervise_run(struct run *);
int		 supervise_exit_code(const struct run *);

/* util.c */
extern const char *tm_progname;
extern int	 tm_verbose;
TM_DEAD void	 tm_die(int, const char *, ...) TM_PRINTFLIKE(2, 3);
TM_DEAD void	 tm_diex(int, const char *, ...) TM_PRINTFLIKE(2, 3);
void		 tm_warn(const char *, ...) TM_PRINTFLIKE(1, 2);
void		 tm_warnx(const char *, ...) TM_PRINTFLIKE(1, 2);
void		 logv(const char *, ...) TM_PRINTFLIKE(1, 2);
const char	*tm_quote(const char *);
void		*xcalloc(size_t, size_t);
int		 set_cloexec(int);
int		 set_nonblock(int);
int		 tm_pipe(int [2]);
ssize_t		 write_all(int, const void *, size_t);
void		 fd_sanitize(void);

#endif
