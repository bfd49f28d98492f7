/*
 * tmrun: run a command with a time limit, contain its whole process tree
 * and never hang on its output.
 */
#ifndef TMRUN_H
#define TMRUN_H

#include <sys/types.h>
#include <sys/stat.h>

#include <poll.h>
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

enum timestamps {
	TS_NONE,
	TS_ISO,
	TS_ELAPSED,
};

/* Everything the command line says; filled by options.c, then read-only. */
struct opts {
	int64_t		 timeout;	/* 0: none */
	int64_t		 kill_after;
	int64_t		 idle;		/* 0: none */
	int64_t		 wait_delay;
	int		 signal;
	int		 verbose;
	int		 preserve_status;
	const char	*output;	/* -o */
	int		 append;
	int		 quiet;
	int		 on_failure;
	enum timestamps	 timestamps;
	uint64_t	 max_output;	/* UINT64_MAX: unlimited */
	int		 keep_orphans;
	enum contain_kind contain;
	char		**argv;		/* the command */
};

enum phase {
	PHASE_RUNNING,		/* the command runs, no signal sent yet */
	PHASE_LINGER,		/* it exited; leftovers get --wait-delay */
	PHASE_GRACE,		/* first signal sent, SIGKILL at kill_at */
	PHASE_KILLED,		/* SIGKILL sent, waiting for the tree to go */
	PHASE_DRAINING,		/* tree gone, reading what is left */
	PHASE_DONE,
};

enum why {
	WHY_NONE,
	WHY_DEADLINE,		/* -t fired */
	WHY_IDLE,		/* -i fired */
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

#define CHUNK		(256 * 1024)	/* one read; also the longest line kept */
#define LOGBUF		(2 * CHUNK)	/* --timestamps: lines on their way */
#define SLACK		32		/* room past a buffer's end for block copies */

/* One captured stream: the command's stdout or stderr. */
struct stream {
	int		 fd;		/* read end of the capture pipe, or -1 */
	int		 to;		/* 1 or 2, or tmrun's own description of it */
	const char	*name;		/* "standard output" or "standard error" */
	int		 echo;		/* to; -1: not echoed, or it broke */
	int		 echo_broke;	/* writing to it failed: said once */
	int		 echo_polled;	/* a pipe or tty: write after POLLOUT */
	int		 echo_fifo;	/* the echo is a pipe */
	int		 echo_own;	/* a non-blocking description of tmrun's */
	int		 echo_wait;	/* fast path: wait for room in the echo */
	int		 splice;	/* fast path: tee(2) and splice(2) */
	int		 cap;		/* the pipe's size, -1 if unknown */
	int		 grow;		/* fast path: the size it may get, or 0 */
	dev_t		 echo_dev;	/* what the echo descriptor is */
	ino_t		 echo_ino;
	char		*buf;		/* what was read; buf[off..len) not echoed */
	size_t		 off;
	size_t		 len;
	uint64_t	 budget;	/* bytes left to drain at the end */
	char		*line;		/* --timestamps: the line being built */
	size_t		 linelen;
	int64_t		 line_at;	/* when its first byte came */
	int		 midline;	/* the log holds its start already */
	int		 level;		/* -i: bytes the pipe held after a read */
	size_t		 ahead;		/* bytes to take before the other stream's */
};

/* Capture: the pipes, the echo, the log and the hold-back spool. */
struct output {
	const struct opts *o;
	int		 capture;	/* 0: the command has tmrun's 1 and 2 */
	struct stream	 s[2];
	int		 child[2];	/* the pipes' write ends until fork */
	int		 side[2];	/* fast path: carries echo bound for a file */
	int		 pfd_stream[3];	/* what each polled entry serves: 2 is the log */
	int		 echo_shared;	/* stdout and stderr are one pipe or tty */
	int		 first;		/* whose ahead bytes go first, if both have */
	struct stream	*open;		/* --timestamps: whose line the log ends in */
	int		 log;		/* -1: none or failed */
	int		 log_polled;	/* a pipe or terminal: never block on it */
	int		 log_shared;	/* the caller's stdout or stderr */
	dev_t		 log_dev;	/* a regular file's, else 0 and 0 */
	ino_t		 log_ino;
	int		 log_own;	/* ...through a non-blocking description */
	char		*pend;		/* such a log's bytes not yet taken */
	size_t		 pend_off;
	size_t		 pend_end;
	size_t		 pend_cap;
	char		*logbuf;	/* --timestamps: lines on their way */
	struct logwriter *writer;	/* ...to a file, written by a thread */
	char		 stamp[SLACK];	/* the prefix last made, and for when */
	size_t		 stamp_len;
	int64_t		 stamp_at;
	size_t		 loglen;
	uint64_t	 log_bytes;
	uint64_t	 dropped;	/* past --max-output */
	int		 log_last;	/* last byte written to the log */
	int		 spool;		/* --output-on-failure, or -1 */
	int		 spool_failed;
	off_t		 spool_end;	/* where its last whole record ends */
	int64_t		 started;	/* for --timestamps=elapsed */
	int64_t		 last_byte;	/* for -i */
	int		 idle_parked;	/* -i waits for the echo or log to move */
};

/* One process as /proc shows it. */
struct procinfo {
	pid_t		 pid;
	pid_t		 ppid;
	pid_t		 pgid;
	pid_t		 sid;
	char		 state;
	long long	 threads;
	unsigned long long start;	/* clock ticks after boot */
};

/* The state of one supervised run. */
struct run {
	const struct opts *o;
	struct contain	*ct;
	struct output	*out;
	pid_t		 pid;		/* the command; its pgid too (G1) */
	int		 sigfd;
	enum phase	 phase;
	enum why	 why;
	int		 timed_out;
	int		 reaped;
	int64_t		 reaped_at;	/* when its exit was seen */
	int		 status;	/* wait status of the command */
	int64_t		 started;
	int64_t		 deadline;	/* -t instant, or TM_NEVER */
	int64_t		 kill_at;	/* SIGKILL, or giving up after it */
	int64_t		 linger_until;	/* --wait-delay ends */
	int64_t		 drain_until;	/* echo still pending then is dropped */
	int64_t		 recheck_at;	/* next look at an unwatchable tree */
	int64_t		 recheck_gap;
	int64_t		 scan_at;	/* no look at the tree before then */
	int		 scan_due;	/* a look was put off until then */
	int64_t		 ended;
	struct sigrec	 sent[MAX_SIGREC];
	int		 nsent;
};

/* clock.c */
int64_t		 clock_now(void);
int64_t		 clock_realtime(void);
int64_t		 clock_add(int64_t, int64_t);
int		 clock_timeout_ms(int64_t, int64_t);

/* options.c */
void		 options_parse(struct opts *, int, char **);

/* output.c */
void		 output_open(struct output *, const struct opts *);
void		 output_child(struct output *);
void		 output_started(struct output *);
int		 output_fill(struct output *, struct pollfd *, int);
void		 output_dispatch(struct output *, struct pollfd *, int, int64_t);
void		 output_drain_start(struct output *);
void		 output_drop_slow(struct output *, int);
int		 output_done(const struct output *);
int		 output_busy(const struct output *);
void		 output_echo(struct output *);
int		 output_is_log(const struct output *, int);
void		 output_echo_failed(struct stream *);
void		 output_finish(struct output *, int, int64_t, int);
void		 output_release(const struct output *);

/* idle.c */
void		 idle_seen(struct output *, struct stream *, ssize_t, int64_t);
int		 idle_passed(struct output *, int64_t, int64_t);

/* log.c */
void		 log_open(struct output *, const char *);
void		 log_failed(struct output *);
void		 log_write(struct output *, const char *, size_t);
void		 log_chunk(struct output *, struct stream *, const char *,
		    size_t, int64_t);
void		 log_sync(struct output *, int);
int		 log_waiting(const struct output *);
void		 log_resume(struct output *);
void		 log_stop(struct output *, int);
int		 log_break(void *);
int		 log_finish(struct output *, int64_t, int);

/* logwriter-thread.c | logwriter-none.c */
struct logwriter *logwriter_new(int, size_t);
char		*logwriter_buf(struct logwriter *);
int		 logwriter_put(struct logwriter *, size_t);
int		 logwriter_behind(struct logwriter *);
int		 logwriter_wait(struct logwriter *);
int		 logwriter_end(struct logwriter *);

/* spool.c */
void		 spool_open(struct output *);
void		 spool_write(struct output *, int, const char *, size_t);
void		 spool_replay(struct output *, int64_t, int);

/* splice-linux.c | splice-none.c */
void		 splice_setup(struct output *);
ssize_t		 splice_pump(struct output *, struct stream *, size_t);

/* parse.c */
int		 parse_duration(const char *, int64_t *);
int		 parse_size(const char *, uint64_t *);
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
void		 supervise_summary(const struct run *);

/* util.c */
extern const char *tm_progname;
extern int	 tm_verbose;
TM_DEAD void	 tm_die(int, const char *, ...) TM_PRINTFLIKE(2, 3);
TM_DEAD void	 tm_diex(int, const char *, ...) TM_PRINTFLIKE(2, 3);
void		 tm_warn(const char *, ...) TM_PRINTFLIKE(1, 2);
void		 tm_warnx(const char *, ...) TM_PRINTFLIKE(1, 2);
void		 tm_msg_to(int, int (*)(void *), void *);
void		 logv(const char *, ...) TM_PRINTFLIKE(1, 2);
const char	*tm_quote(const char *);
void		*xcalloc(size_t, size_t);
int		 set_cloexec(int);
int		 set_nonblock(int);
int		 set_nonblock_own(int);
int		 tm_pipe(int [2]);
ssize_t		 write_all(int, const void *, size_t);
int		 write_until(int, const char *, size_t, int64_t, int);
int		 mode_polled(mode_t, int);
int		 fd_polled(int);
dev_t		 tty_device(int, const struct stat *);
int		 pipe_level(int);
int		 fd_own(int);
void		 fd_sanitize(void);

#endif
