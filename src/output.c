/*
 * Capture: the command's stdout and stderr arrive on two pipes and go on to
 * tmrun's own stdout and stderr (the echo), to the log file (log.c) and for
 * --output-on-failure to a spool replayed at the end (spool.c).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmrun.h"
#include "compat.h"


static void	stream_open(struct output *, struct stream *, int);
static void	echo_open(struct stream *);
static void	echo_write(struct stream *);
static void	stream_read(struct output *, struct stream *, int64_t);
static void	stream_close(struct stream *);
static void	stream_grow(struct output *, struct stream *);
static int	stream_may_read(const struct output *, int);
static int	echo_owed(const struct stream *);
static void	stream_turns(struct output *, int);

/* A pipe for one stream, whose echo goes to fd echo. */
static void
stream_open(struct output *out, struct stream *s, int echo)
{
	int	fd[2];

	if (tm_pipe(fd) == -1 || set_nonblock(fd[0]) == -1)
		tm_die(EXIT_CANCELED, "pipe");
	s->fd = fd[0];
	/* One read takes what the pipe holds: measured the cheapest size. */
	compat_pipe_size(fd[0], CHUNK);
	s->cap = compat_pipe_cap(fd[0]);
	out->child[echo - 1] = fd[1];
	s->buf = xcalloc(1, CHUNK + SLACK);
	s->budget = UINT64_MAX;
	/* Only what is echoed or replayed needs the terminal opened again. */
	s->to = out->o->quiet && !out->o->on_failure ? echo : fd_own(echo);
	s->echo = -1;
	s->echo_own = s->to != echo;
	s->name = echo == STDOUT_FILENO ? "standard output" : "standard error";
	if (out->o->timestamps != TS_NONE)
		s->line = xcalloc(1, CHUNK);
}

/* Echo to s->to from now on: what it is tells how to write to it. */
static void
echo_open(struct stream *s)
{
	struct stat	st, null;

	s->echo = s->to;
	if (fstat(s->echo, &st) == 0) {
		s->echo_polled = mode_polled(st.st_mode, s->echo);
		s->echo_fifo = S_ISFIFO(st.st_mode);
		s->echo_dev = st.st_dev;
		s->echo_ino = st.st_ino;
		if (S_ISCHR(st.st_mode)) {	/* a terminal by any name */
			s->echo_dev = tty_device(s->echo, &st);
			s->echo_ino = 0;
		}
		/* Echo to /dev/null is no echo: spare the copy. */
		if (S_ISCHR(st.st_mode) && stat("/dev/null", &null) == 0 &&
		    st.st_rdev == null.st_rdev)
			s->echo = -1;
	}
}

/* Whether fd is the log file itself (cmd >>LOG with -o LOG): what the log
 * gets must not be written there twice. */
int
output_is_log(const struct output *out, int fd)
{
	struct stat	st;

	return (fd != -1 && out->log_ino != 0 && fstat(fd, &st) == 0 &&
	    st.st_ino == out->log_ino && st.st_dev == out->log_dev);
}

/* Echo both streams from now on, unless -q. */
void
output_echo(struct output *out)
{
	struct stream	*s;
	int		 i;

	if (out->o->quiet)
		return;
	for (i = 0; i < 2; i++) {
		s = &out->s[i];
		echo_open(s);
		if (output_is_log(out, s->echo))
			s->echo = -1;
	}
	/* 2>&1 and the like: one pipe behind both echo descriptors. */
	out->echo_shared = out->s[0].echo != -1 && out->s[1].echo != -1 &&
	    out->s[0].echo_dev == out->s[1].echo_dev &&
	    out->s[0].echo_ino == out->s[1].echo_ino;
}

/*
 * Set up capture if any option needs it: open the log (truncated, or
 * appended with -a), the spool and the pipes.  Exits 125 on failure: the
 * command has not started.
 */
void
output_open(struct output *out, const struct opts *o)
{
	memset(out, 0, sizeof *out);
	out->o = o;
	out->log = out->spool = -1;
	out->s[0].fd = out->s[1].fd = -1;
	out->child[0] = out->child[1] = -1;
	out->side[0] = out->side[1] = -1;
	out->log_last = '\n';
	out->stamp_at = -1;
	out->capture = o->output != NULL || o->idle != 0 || o->on_failure ||
	    o->timestamps != TS_NONE;
	if (!out->capture)
		return;
	if (o->output != NULL)
		log_open(out, o->output);
	if (output_is_log(out, STDERR_FILENO))
		tm_msg_to(out->log, log_break, out);
	if (o->on_failure)
		spool_open(out);
	stream_open(out, &out->s[0], STDOUT_FILENO);
	stream_open(out, &out->s[1], STDERR_FILENO);
	if (!o->on_failure)
		output_echo(out);
	splice_setup(out);
}

/* In the child: the pipes become its stdout and stderr. */
void
output_child(struct output *out)
{
	if (!out->capture)
		return;
	if (dup2(out->child[0], STDOUT_FILENO) == -1 ||
	    dup2(out->child[1], STDERR_FILENO) == -1)
		_exit(EXIT_CANCELED);
}

/* In tmrun after fork: only the command holds the write ends (G3). */
void
output_started(struct output *out)
{
	int	i;

	for (i = 0; i < 2; i++) {
		if (out->child[i] != -1)
			close(out->child[i]);
		out->child[i] = -1;
	}
	out->last_byte = clock_now();
	out->started = out->last_byte;
}

/* The echo cannot be written: it ends there, not the command or the log.
 * A broken stdout (EPIPE, `| head`) is no news; anything else (a full
 * disk) is said once. */
void
output_echo_failed(struct stream *s)
{
	if (errno != EPIPE)
		tm_warn("cannot write %s", s->name);
	s->echo = -1;
	s->echo_broke = 1;
}

/* Whether the stream's echo still has bytes to write or move. */
static int
echo_owed(const struct stream *s)
{
	return (s->len > s->off || s->echo_wait);
}

/* Echo what is pending. */
static void
echo_write(struct stream *s)
{
	size_t	n = s->len - s->off;
	ssize_t	w;

	if (s->echo == -1) {
		s->off = s->len = 0;
		return;
	}
	if (!s->echo_polled) {
		if (write_all(s->echo, s->buf + s->off, n) == -1)
			output_echo_failed(s);
		s->off = s->len = 0;
		return;
	}
	if (n > PIPE_BUF && !s->echo_own)
		n = PIPE_BUF;	/* a pipe takes it after POLLOUT */
	w = write(s->echo, s->buf + s->off, n);
	if (w == -1 && errno != EINTR && errno != EAGAIN)
		output_echo_failed(s);
	if (w > 0)
		s->off += w;
	if (s->off == s->len || s->echo == -1)
		s->off = s->len = 0;
}

static void
stream_close(struct stream *s)
{
	close(s->fd);
	s->fd = -1;
	s->ahead = 0;
	s->echo_wait = 0;	/* nothing left to move */
}

/* One pump of the fast path moved a whole pipe: a larger one moves more
 * per wake-up, so enlarge it, and the side pipe.  (An echo pipe limits a
 * pump to its room; there a larger pipe moves no more.)  Not before: a
 * pipe's size counts against the user's pipe-user-pages-soft, used or not,
 * and past that limit every new pipe of the user's is small. */
static void
stream_grow(struct output *out, struct stream *s)
{
	compat_pipe_size(s->fd, s->grow);
	if (s->splice && out->side[1] != -1)
		compat_pipe_size(out->side[1], s->grow);
	s->cap = compat_pipe_cap(s->fd);
	s->grow = 0;
}

/* Read one chunk: log it, spool it, then echo it (or let the fast path
 * move it). */
static void
stream_read(struct output *out, struct stream *s, int64_t now)
{
	size_t	want = CHUNK, most = SIZE_MAX;
	ssize_t	n = -1;

	if (s->budget == 0) {
		stream_close(s);	/* drained all it held */
		return;
	}
	if (s->budget < most)
		most = (size_t)s->budget;
	if (s->ahead > 0 && s->ahead < most)
		most = s->ahead;	/* the other's turn after that */
	if (most < want)
		want = most;
	/* A stamp per byte at worst: keep what a slow log holds small. */
	if (out->log_polled && out->logbuf != NULL && want > CHUNK / SLACK)
		want = CHUNK / SLACK;
	if (s->splice) {
		n = splice_pump(out, s, most);
		if (n == -1 && errno != EAGAIN)
			s->splice = 0;	/* nothing was moved: read below */
		else if (n > 0)
			goto moved;
	}
	if (n == -1 && !s->splice)
		n = read(s->fd, s->buf, want);
	if (n == -1 && (errno == EINTR || errno == EAGAIN)) {
		if (!s->echo_wait)
			s->ahead = 0;	/* nothing there after all */
		/* Draining: an empty pipe is all there was. */
		if (s->budget != UINT64_MAX && errno == EAGAIN && !s->echo_wait)
			stream_close(s);
		return;
	}
	if (n <= 0) {
		stream_close(s);	/* EOF, or an error: nothing more */
		return;
	}
	log_chunk(out, s, s->buf, n, now);
	log_sync(out, s->fd);
	spool_write(out, (int)(s - out->s) + 1, s->buf, n);
	if (s->echo != -1) {
		s->off = 0;
		s->len = n;
		/* Else when poll says there is room; one stream after the
		 * other into a pipe they share. */
		if (!s->echo_polled || (s->echo_own && !out->echo_shared))
			echo_write(s);
	}
moved:
	if (s->splice && s->grow != 0 && n >= s->cap)
		stream_grow(out, s);
	s->ahead = (size_t)n < s->ahead ? s->ahead - (size_t)n : 0;
	if (out->o->idle != 0)
		idle_seen(out, s, n, now);
	if (s->budget != UINT64_MAX && (s->budget -= n) == 0)
		stream_close(s);	/* drained: an escapee may hold it open */
}

/* Whether stream i may be read now: not while the other one has bytes to
 * take first (stream_turns), nor into a shared echo before the other's
 * chunk is out. */
static int
stream_may_read(const struct output *out, int i)
{
	const struct stream	*t = &out->s[!i];

	if (t->ahead > 0 && (out->s[i].ahead == 0 || out->first != i))
		return (0);
	return (!out->echo_shared || !echo_owed(t));
}

/*
 * Both streams have data: what each pipe holds now is taken in turns, first
 * the one given (the log keeps arrival order), however many reads that
 * takes.  Bytes that come meanwhile wait for the next turns, so neither
 * stream can starve the other.
 */
static void
stream_turns(struct output *out, int first)
{
	int	i, level;

	for (i = 0; i < 2; i++)
		if ((level = pipe_level(out->s[i].fd)) > 0)
			out->s[i].ahead = (size_t)level;
	out->first = first;
}

/*
 * The descriptors to poll for capture: a pipe while its echo and the log
 * are done, else the echo target or the log for POLLOUT (a slow reader
 * slows the command).  One entry per echo descriptor: when stdout and
 * stderr share a pipe, POLLOUT vouches for one write only.  Returns how
 * many were added at pfd.
 */
int
output_fill(struct output *out, struct pollfd *pfd, int max)
{
	struct stream	*s;
	int		 i, n = 0, busy[2], log_wait = log_waiting(out);

	for (i = 0; i < 2; i++)
		busy[i] = echo_owed(&out->s[i]);
	for (i = 0; i < 2 && n < max; i++) {
		s = &out->s[i];
		if (busy[i]) {
			if (n > 0 && pfd[0].events == POLLOUT && out->echo_shared)
				continue;	/* the other stream's turn first */
			pfd[n].fd = s->echo;
			pfd[n].events = POLLOUT;
		} else if (s->fd != -1 && !log_wait && stream_may_read(out, i)) {
			pfd[n].fd = s->fd;
			pfd[n].events = POLLIN;
		} else
			continue;
		out->pfd_stream[n++] = i;
	}
	if (log_wait && n < max) {
		pfd[n].fd = out->log;
		pfd[n].events = POLLOUT;
		out->pfd_stream[n++] = 2;
	}
	return (n);
}

/* Act on what poll said about the descriptors output_fill gave it. */
void
output_dispatch(struct output *out, struct pollfd *pfd, int n, int64_t now)
{
	struct stream	*s;
	int		 i, j, in[2] = { 0 }, ready[2] = { 0 };

	for (j = 0; j < n; j++)
		if (pfd[j].events == POLLIN) {
			in[out->pfd_stream[j]] = 1;
			ready[out->pfd_stream[j]] = pfd[j].revents != 0;
		}
	/* Both ready at once: stdout's first.  One ready while the other
	 * is held back by its echo: the other's bytes came first. */
	for (i = 0; i < 2 && !out->s[0].ahead && !out->s[1].ahead; i++)
		if (ready[i] && (ready[!i] || (!in[!i] && out->s[!i].fd != -1)))
			stream_turns(out, ready[!i] ? 0 : !i);
	for (j = 0; j < n; j++) {
		if (pfd[j].revents == 0)
			continue;
		if (out->idle_parked) {
			/* Held back till now by a full pipe: not idle. */
			out->idle_parked = 0;
			out->last_byte = now;
		}
		if (out->pfd_stream[j] == 2) {
			log_resume(out);
			continue;
		}
		s = &out->s[out->pfd_stream[j]];
		if (pfd[j].events == POLLIN) {
			/* Not before the other's turn, if one began above. */
			if (stream_may_read(out, out->pfd_stream[j]))
				stream_read(out, s, now);	/* G5: POLLHUP too */
			continue;
		}
		if (s->echo_wait) {
			s->echo_wait = 0;
			if (stream_may_read(out, out->pfd_stream[j]))
				stream_read(out, s, now);
		} else
			echo_write(s);
	}
}

/* 1 while echo or the log waits for a slow reader. */
int
output_busy(const struct output *out)
{
	int	i;

	if (log_waiting(out))
		return (1);
	for (i = 0; i < 2; i++)
		if (echo_owed(&out->s[i]))
			return (1);
	return (0);
}

/*
 * The tree is gone or let go: read what the pipes hold now and no more, so
 * an escaped writer cannot keep tmrun here (G3).
 */
void
output_drain_start(struct output *out)
{
	struct stream	*s;
	int		 i, avail;

	for (i = 0; i < 2; i++) {
		s = &out->s[i];
		if (s->fd == -1)
			continue;
		if ((avail = pipe_level(s->fd)) == -1)
			avail = CHUNK;	/* one chunk, then EAGAIN ends it */
		s->budget = (uint64_t)avail;
		if (s->budget == 0)
			stream_close(s);
	}
}

/*
 * G10: echo that cannot be written in time (or when a signal says to stop)
 * is dropped, and so is a pipe log's waiting output, with a warning; a file
 * log is written in full.  An echo that keeps up goes on: the other stream
 * no longer holds it back.
 */
void
output_drop_slow(struct output *out, int signalled)
{
	struct stream	*s;
	int		 i;

	if (log_waiting(out))
		log_stop(out, signalled);
	for (i = 0; i < 2; i++) {
		s = &out->s[i];
		if (!echo_owed(s))
			continue;
		s->echo = -1;
		s->echo_wait = 0;
		s->off = s->len = 0;
	}
}

/* 1 once both pipes are closed and no echo or log write is pending. */
int
output_done(const struct output *out)
{
	int	i;

	if (log_waiting(out))
		return (0);
	for (i = 0; i < 2; i++)
		if (out->s[i].fd != -1 || echo_owed(&out->s[i]))
			return (0);
	return (1);
}

/*
 * The end: the log gets its last lines and is closed; the held-back output
 * is printed if the run failed, unless a signal said to stop meanwhile.
 */
void
output_finish(struct output *out, int failed, int64_t until, int sigfd)
{
	int	i;

	if (!out->capture)
		return;
	if (log_finish(out, until, sigfd) == -1)
		failed = 0;	/* told to stop */
	if (out->spool != -1 && failed)
		spool_replay(out, until, sigfd);
	for (i = 0; i < 2; i++) {
		free(out->s[i].buf);
		free(out->s[i].line);
	}
}

/* Last, after tmrun's own last message: a stdout or stderr that is the log
 * through a description of its own moves to the file's end, so that what
 * its owner writes next goes after the log, not over it. */
void
output_release(const struct output *out)
{
	int	fd;

	for (fd = STDOUT_FILENO; fd <= STDERR_FILENO; fd++)
		if (output_is_log(out, fd))
			(void)lseek(fd, 0, SEEK_END);
}
