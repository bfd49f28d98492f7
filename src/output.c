/*
 * Capture: the command's stdout and stderr arrive on two pipes and go on to
 * tmrun's own stdout and stderr (the echo), to the log file in arrival order,
 * and for --output-on-failure to a spool replayed at the end.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tmrun.h"
#include "compat.h"
#include "sigsrc.h"


static int	file_last_byte(int, const char *);
static void	stream_open(struct output *, struct stream *, int);
static size_t	stamp(enum timestamps, int64_t, char *, size_t);
static ssize_t	log_try(struct output *, const char *, size_t);
static void	log_queue(struct output *, const char *, size_t);
static void	log_flush(struct output *);
static void	log_resume(struct output *);
static void	log_stop(struct output *);
static void	log_line(struct output *, struct stream *, const char *,
		    size_t);
static size_t	log_lines(struct output *, const char *, size_t);
static void	log_chunk(struct output *, struct stream *, const char *,
		    size_t, int64_t);
static void	spool_write(struct output *, int, const char *, size_t);
static void	echo_write(struct stream *);
static void	stream_read(struct output *, struct stream *, int64_t);
static void	stream_close(struct stream *);
static void	replay(struct output *, int64_t, int);
static int	replay_write(int, const char *, size_t, int64_t, int);

/* The last byte of an appended log file (fd, opened write-only from path),
 * so that the --max-output marker starts a line of its own; '\n' for an
 * empty file, or one that cannot be read. */
static int
file_last_byte(int fd, const char *path)
{
	struct stat	st, rst;
	char		c = '\n';
	int		rfd;

	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size == 0 ||
	    (rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return ('\n');
	if (fstat(rfd, &rst) == -1 || rst.st_ino != st.st_ino ||
	    rst.st_dev != st.st_dev || pread(rfd, &c, 1, st.st_size - 1) != 1)
		c = '\n';
	close(rfd);
	return ((unsigned char)c);
}

/* A pipe for one stream; its echo goes to fd echo unless held back. */
static void
stream_open(struct output *out, struct stream *s, int echo)
{
	struct stat	st, null;
	int		fd[2];

	if (tm_pipe(fd) == -1 || set_nonblock(fd[0]) == -1)
		tm_die(EXIT_CANCELED, "pipe");
	s->fd = fd[0];
	/* One read takes what the pipe holds: measured the cheapest size. */
	compat_pipe_size(fd[0], CHUNK);
	out->child[echo - 1] = fd[1];
	s->buf = xcalloc(1, CHUNK + SLACK);
	s->budget = UINT64_MAX;
	/* Only what is echoed or replayed needs the terminal opened again. */
	s->to = out->o->quiet && !out->o->on_failure ? echo : fd_own(echo);
	s->echo = out->o->quiet || out->o->on_failure ? -1 : s->to;
	s->echo_own = s->to != echo;
	if (s->echo != -1 && fstat(s->echo, &st) == 0) {
		s->echo_polled = mode_polled(st.st_mode, s->echo);
		s->echo_fifo = S_ISFIFO(st.st_mode);
		s->echo_dev = st.st_dev;
		s->echo_ino = st.st_ino;
		/* Echo to /dev/null is no echo: spare the copy. */
		if (S_ISCHR(st.st_mode) && stat("/dev/null", &null) == 0 &&
		    st.st_rdev == null.st_rdev)
			s->echo = -1;
	}
	if (out->o->timestamps != TS_NONE)
		s->line = xcalloc(1, CHUNK);
}

/*
 * Set up capture if any option needs it: open the log (truncated, or
 * appended with -a), the spool and the pipes.  Exits 125 on failure: the
 * command has not started.
 */
void
output_open(struct output *out, const struct opts *o)
{
	const char	*tmp;
	char		 path[PATH_MAX];
	int		 flags;

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
	if (o->output != NULL) {
		flags = O_WRONLY | O_CREAT | O_CLOEXEC |
		    (o->append ? O_APPEND : O_TRUNC);
		if ((out->log = open(o->output, flags, 0666)) == -1)
			tm_die(EXIT_CANCELED, "%s", tm_quote(o->output));
		/* A pipe nobody reads must not hold tmrun past a deadline. */
		out->log_polled = fd_polled(out->log) &&
		    set_nonblock_own(out->log);
		if (o->timestamps != TS_NONE)
			out->logbuf = xcalloc(1, LOGBUF + SLACK);
		if (o->append)
			out->log_last = file_last_byte(out->log, o->output);
	}
	if (o->on_failure) {
		/* Held back in an unlinked file, not in memory. */
		if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
			tmp = "/tmp";
		snprintf(path, sizeof path, "%s/tmrun.XXXXXX", tmp);
		if ((out->spool = mkstemp(path)) == -1)
			tm_die(EXIT_CANCELED, "%s", tm_quote(path));
		if (unlink(path) == -1 || set_cloexec(out->spool) == -1)
			tm_die(EXIT_CANCELED, "%s", tm_quote(path));
	}
	stream_open(out, &out->s[0], STDOUT_FILENO);
	stream_open(out, &out->s[1], STDERR_FILENO);
	/* 2>&1 and the like: one pipe behind both echo descriptors. */
	out->echo_shared = out->s[0].echo != -1 && out->s[1].echo != -1 &&
	    out->s[0].echo_dev == out->s[1].echo_dev &&
	    out->s[0].echo_ino == out->s[1].echo_ino;
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

/*
 * The --timestamps prefix for a line that began at t: UTC ISO-8601 with
 * milliseconds (t on the real-time clock), or "+SECONDS.mmm" (t since the
 * start).  The formatted second is kept: lines come many to a second.
 */
static size_t
stamp(enum timestamps ts, int64_t t, char *buf, size_t len)
{
	static char	 sec[32];
	static time_t	 sec_of = -1;
	struct tm	 tm;
	time_t		 secs = (time_t)(t / NS_PER_S);
	int		 ms = (int)(t % NS_PER_S / NS_PER_MS), n;

	if (ts == TS_ELAPSED)
		n = snprintf(buf, len, "+%lld.%03d ", (long long)secs, ms);
	else {
		if (secs != sec_of) {
			if (gmtime_r(&secs, &tm) == NULL ||
			    strftime(sec, sizeof sec, "%Y-%m-%dT%H:%M:%S",
			    &tm) == 0)
				strcpy(sec, "?");
			sec_of = secs;
		}
		n = snprintf(buf, len, "%s.%03dZ ", sec, ms);
	}
	return (n > 0 && (size_t)n < len ? (size_t)n : 0);
}

/* Warn once and stop logging; echo and supervision go on. */
void
output_log_failed(struct output *out)
{
	tm_warn("%s: cannot write the log", tm_quote(out->o->output));
	close(out->log);
	out->log = -1;
	out->pend_off = out->pend_end = 0;
}

/* Write to a log that can block as much as it takes now.  Returns the
 * bytes taken, or -1 if the log failed. */
static ssize_t
log_try(struct output *out, const char *p, size_t n)
{
	size_t	done = 0;
	ssize_t	w;

	while (done < n) {
		w = write(out->log, p + done, n - done);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && errno == EAGAIN)
			break;
		if (w == -1) {
			output_log_failed(out);
			return (-1);
		}
		done += w;
	}
	return ((ssize_t)done);
}

/*
 * Bytes for a log that can block: what it does not take now waits in pend,
 * and while any waits, the pipes are not read (a slow reader slows the
 * command, as with tee).  pend holds what one poll's reads make, or the
 * last partial lines and the marker, at most.
 */
static void
log_queue(struct output *out, const char *p, size_t n)
{
	ssize_t	w;
	char	*np;

	if (out->pend_end == 0) {
		if ((w = log_try(out, p, n)) == -1 || (size_t)w == n)
			return;
		p += w;
		n -= w;
	}
	if (out->pend_off > 0) {
		memmove(out->pend, out->pend + out->pend_off,
		    out->pend_end - out->pend_off);
		out->pend_end -= out->pend_off;
		out->pend_off = 0;
	}
	if (out->pend_end + n > out->pend_cap) {
		if ((np = realloc(out->pend, out->pend_end + n)) == NULL)
			tm_die(EXIT_CANCELED, "out of memory");
		out->pend = np;
		out->pend_cap = out->pend_end + n;
	}
	memcpy(out->pend + out->pend_end, p, n);
	out->pend_end += n;
}

/* Bytes to the log file, up to --max-output; the rest is counted. */
void
output_log_write(struct output *out, const char *p, size_t n)
{
	size_t	room = n;

	if (out->o->max_output - out->log_bytes < n)
		room = out->o->max_output - out->log_bytes;
	out->dropped += n - room;
	if (room == 0 || out->log == -1)
		return;
	if (out->log_polled)
		log_queue(out, p, room);
	else if (write_all(out->log, p, room) == -1) {
		output_log_failed(out);
		return;
	}
	out->log_bytes += room;
	out->log_last = (unsigned char)p[room - 1];
}

/* Write out the lines built up in logbuf. */
static void
log_flush(struct output *out)
{
	if (out->loglen > 0)
		output_log_write(out, out->logbuf, out->loglen);
	out->loglen = 0;
}

/* One line, or line fragment, with its time prefix unless it continues.
 * The lines of one chunk share a time, so the prefix is made once. */
static inline void
log_line(struct output *out, struct stream *s, const char *p, size_t n)
{
	size_t	pn = 0;

	if (out->open != NULL && out->open != s) {
		/* Another stream's line is cut off here: end it; its rest
		 * gets a stamp of its own. */
		if (out->loglen + 1 > LOGBUF)
			log_flush(out);
		out->logbuf[out->loglen++] = '\n';
		out->open->midline = 0;
		out->open = NULL;
	}
	if (!s->midline) {
		if (s->line_at != out->stamp_at) {
			out->stamp_len = stamp(out->o->timestamps, s->line_at,
			    out->stamp, sizeof out->stamp);
			out->stamp_at = s->line_at;
		}
		pn = out->stamp_len;
	}
	if (out->loglen + pn + n > LOGBUF)
		log_flush(out);
	memcpy(out->logbuf + out->loglen, out->stamp, pn);
	memcpy(out->logbuf + out->loglen + pn, p, n);
	out->loglen += pn + n;
	out->open = p[n - 1] == '\n' ? NULL : s;
}

/*
 * The hot path of --timestamps: whole lines from a read buffer, after a
 * first one that made the stamp.  Newlines are found 32 bytes at a time,
 * and the stamp and short lines are copied as SLACK-byte blocks: the read
 * buffer and logbuf have SLACK bytes of room past their ends for both.
 * Returns the bytes taken, up to the last newline.
 */
static size_t
log_lines(struct output *out, const char *p, size_t n)
{
	const char	*q = p, *end = p + n, *at;
	char		*d = out->logbuf + out->loglen, stamp[SLACK];
	size_t		 pn = out->stamp_len, k;
	uint32_t	 m;

	_Static_assert(SLACK >= 32, "a newline mask reads 32 bytes");
	memcpy(stamp, out->stamp, SLACK);	/* logbuf stores can't touch it */
	for (at = p; at < end; at += 32) {
		m = compat_nl_mask(at);
		if (end - at < 32)
			m &= ((uint32_t)1 << (end - at)) - 1;
		for (; m != 0; m &= m - 1) {
			k = at + compat_ctz32(m) + 1 - q;
			if (pn + k > LOGBUF - (size_t)(d - out->logbuf)) {
				out->loglen = d - out->logbuf;
				log_flush(out);
				d = out->logbuf;
			}
			memcpy(d, stamp, SLACK);	/* stamps are shorter */
			d += pn;
			if (k <= 16)
				memcpy(d, q, 16);
			else if (k <= SLACK)
				memcpy(d, q, SLACK);
			else
				memcpy(d, q, k);
			d += k;
			q += k;
		}
	}
	out->loglen = d - out->logbuf;
	return (q - p);
}

/*
 * A chunk for the log.  With --timestamps, lines are put together per
 * stream, so a partial stdout line and a stderr line never share a line.
 * p is in a read buffer: SLACK bytes past p + n may be read.
 */
static void
log_chunk(struct output *out, struct stream *s, const char *p, size_t n,
    int64_t now)
{
	const char	*nl;
	size_t		 k;

	if (out->log == -1)
		return;
	if (out->logbuf == NULL) {
		output_log_write(out, p, n);
		return;
	}
	if (out->o->timestamps == TS_ISO)
		now = clock_realtime();
	else
		now -= out->started;
	while (n > 0) {
		nl = memchr(p, '\n', n);
		if (s->linelen == 0 && !s->midline) {
			s->line_at = now;
			if (nl != NULL) {
				/* Whole lines: the first makes the stamp that
				 * the rest of the chunk shares. */
				k = nl - p + 1;
				log_line(out, s, p, k);
				k += log_lines(out, p + k, n - k);
				p += k;
				n -= k;
				continue;
			}
		}
		if (nl == NULL) {
			/* Keep the partial line; a full buffer goes out as is. */
			k = CHUNK - s->linelen < n ? CHUNK - s->linelen : n;
			memcpy(s->line + s->linelen, p, k);
			s->linelen += k;
			p += k;
			n -= k;
			if (s->linelen == CHUNK) {
				log_line(out, s, s->line, s->linelen);
				s->linelen = 0;
				s->midline = 1;
			}
			continue;
		}
		k = nl - p + 1;
		if (s->linelen > 0 && s->linelen + k <= CHUNK) {
			memcpy(s->line + s->linelen, p, k);
			log_line(out, s, s->line, s->linelen + k);
		} else if (s->linelen > 0) {
			log_line(out, s, s->line, s->linelen);
			s->midline = 1;
			log_line(out, s, p, k);
		} else
			log_line(out, s, p, k);
		s->linelen = 0;
		s->midline = 0;
		p += k;
		n -= k;
	}
	log_flush(out);
}

/* --output-on-failure: a record of (stream, length, bytes). */
static void
spool_write(struct output *out, int which, const char *p, size_t n)
{
	unsigned char	hdr[5];

	if (out->spool == -1 || out->spool_failed)
		return;
	hdr[0] = (unsigned char)which;
	hdr[1] = n >> 24;
	hdr[2] = n >> 16;
	hdr[3] = n >> 8;
	hdr[4] = n;
	if (write_all(out->spool, hdr, sizeof hdr) == -1 ||
	    write_all(out->spool, p, n) == -1) {
		tm_warn("cannot hold the output back");
		out->spool_failed = 1;
	}
}

/* Echo what is pending.  A broken stdout (EPIPE) ends the echo, not the
 * command. */
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
			s->echo = -1;
		s->off = s->len = 0;
		return;
	}
	if (n > PIPE_BUF && !s->echo_own)
		n = PIPE_BUF;	/* never blocks after POLLOUT */
	w = write(s->echo, s->buf + s->off, n);
	if (w == -1 && errno != EINTR && errno != EAGAIN)
		s->echo = -1;
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
}

/* Read one chunk: log it, spool it, then echo it (or let the fast path
 * move it). */
static void
stream_read(struct output *out, struct stream *s, int64_t now)
{
	size_t	want = CHUNK;
	ssize_t	n = -1;

	if (s->budget == 0) {
		stream_close(s);	/* drained all it held */
		return;
	}
	if (s->budget < CHUNK)
		want = (size_t)s->budget;
	/* A stamp per byte at worst: keep what a slow log holds small. */
	if (out->log_polled && out->logbuf != NULL && want > CHUNK / SLACK)
		want = CHUNK / SLACK;
	if (s->splice) {
		n = splice_pump(out, s, s->budget < SIZE_MAX ?
		    (size_t)s->budget : SIZE_MAX);
		if (n == -1 && errno != EAGAIN)
			s->splice = 0;	/* nothing was moved: read below */
		else if (n > 0)
			goto moved;
	}
	if (n == -1 && !s->splice)
		n = read(s->fd, s->buf, want);
	if (n == -1 && (errno == EINTR || errno == EAGAIN)) {
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
	if (s->budget != UINT64_MAX && (s->budget -= n) == 0)
		stream_close(s);	/* drained: an escapee may hold it open */
	out->last_byte = now;
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
	int		 i, n = 0, log_wait = out->pend_end > out->pend_off;

	for (i = 0; i < 2 && n < max; i++) {
		s = &out->s[i];
		if (s->len > s->off || s->echo_wait) {
			if (n > 0 && pfd[0].events == POLLOUT && out->echo_shared)
				continue;	/* the other stream's turn first */
			pfd[n].fd = s->echo;
			pfd[n].events = POLLOUT;
		} else if (s->fd != -1 && !log_wait) {
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

/* A pipe log not read in time: say so, and close it. */
static void
log_stop(struct output *out)
{
	tm_warnx("%s: the log is not read in time; the rest is not logged",
	    tm_quote(out->o->output));
	close(out->log);
	out->log = -1;
	out->pend_off = out->pend_end = 0;
}

/* The log has room: write what waits. */
static void
log_resume(struct output *out)
{
	ssize_t	w;

	w = log_try(out, out->pend + out->pend_off,
	    out->pend_end - out->pend_off);
	if (w > 0 && (out->pend_off += w) == out->pend_end)
		out->pend_off = out->pend_end = 0;
}

/* Act on what poll said about the descriptors output_fill gave it. */
void
output_dispatch(struct output *out, struct pollfd *pfd, int n, int64_t now)
{
	struct stream	*s;
	int		 j;

	for (j = 0; j < n; j++) {
		if (pfd[j].revents == 0)
			continue;
		if (out->pfd_stream[j] == 2) {
			out->last_byte = now;	/* for -i, as echo below */
			log_resume(out);
			continue;
		}
		s = &out->s[out->pfd_stream[j]];
		if (pfd[j].events == POLLIN) {
			stream_read(out, s, now);	/* G5: POLLHUP too */
			continue;
		}
		/* Echo moving counts as output for -i: the reader is slow. */
		out->last_byte = now;
		if (s->echo_wait) {
			s->echo_wait = 0;
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

	if (out->pend_end > out->pend_off)
		return (1);
	for (i = 0; i < 2; i++)
		if (out->s[i].len > out->s[i].off || out->s[i].echo_wait)
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
		if (ioctl(s->fd, FIONREAD, &avail) == -1)
			avail = CHUNK;	/* one chunk, then EAGAIN ends it */
		s->budget = (uint64_t)avail;
		if (s->budget == 0)
			stream_close(s);
	}
}

/*
 * G10: echo that cannot be written in time is dropped, and so is a pipe
 * log's waiting output, with a warning; a file log is written in full.
 */
void
output_drop_slow(struct output *out)
{
	int	i;

	if (out->pend_end > out->pend_off)
		log_stop(out);
	for (i = 0; i < 2; i++) {
		out->s[i].echo = -1;
		out->s[i].echo_wait = 0;
		out->s[i].off = out->s[i].len = 0;
	}
}

/* 1 once both pipes are closed and no echo or log write is pending. */
int
output_done(const struct output *out)
{
	int	i;

	if (out->pend_end > out->pend_off)
		return (0);
	for (i = 0; i < 2; i++)
		if (out->s[i].fd != -1 || out->s[i].len > out->s[i].off ||
		    out->s[i].echo_wait)
			return (0);
	return (1);
}

/*
 * Write n bytes of the replay to fd: to a pipe or terminal only when poll
 * says there is room, and not past until (G10); a forwarded signal to tmrun
 * stops it.  Returns 0, -1 if fd broke, or -2 to stop the replay.
 */
static int
replay_write(int fd, const char *p, size_t n, int64_t until, int sigfd)
{
	struct pollfd	pfd[2];
	ssize_t		w;
	int		signo, stop = 0;

	if (!fd_polled(fd))
		return (write_all(fd, p, n) == -1 ? -1 : 0);
	while (n > 0) {
		pfd[0].fd = fd;
		pfd[0].events = POLLOUT;
		pfd[1].fd = sigfd;
		pfd[1].events = POLLIN;
		w = poll(pfd, 2, clock_timeout_ms(until, clock_now()));
		if (w == 0 || (w == -1 && errno != EINTR))
			return (-2);
		if (w == -1)
			continue;
		while (pfd[1].revents != 0 && (signo = sigsrc_next(sigfd)) != 0)
			stop |= sigsrc_is_forwarded(signo);
		if (stop)
			return (-2);
		if (pfd[0].revents == 0)
			continue;
		w = write(fd, p, n < PIPE_BUF ? n : PIPE_BUF);
		if (w == -1 && errno != EINTR && errno != EAGAIN)
			return (-1);
		if (w > 0) {
			p += w;
			n -= w;
		}
	}
	return (0);
}

/* --output-on-failure: play the spool back, each chunk to its stream. */
static void
replay(struct output *out, int64_t until, int sigfd)
{
	unsigned char	 hdr[5];
	char		*buf = out->s[0].buf;
	size_t		 n, k;
	ssize_t		 r;
	int		 i, rc, ok[2] = { 1, 1 };

	if (lseek(out->spool, 0, SEEK_SET) == -1)
		return;
	while (read(out->spool, hdr, sizeof hdr) == (ssize_t)sizeof hdr) {
		i = hdr[0] == 2;
		n = (size_t)hdr[1] << 24 | hdr[2] << 16 | hdr[3] << 8 | hdr[4];
		for (; n > 0; n -= (size_t)r) {
			k = n < CHUNK ? n : CHUNK;
			if ((r = read(out->spool, buf, k)) <= 0)
				return;
			if (!ok[i])
				continue;	/* a closed stdout: carry on */
			rc = replay_write(out->s[i].to, buf, r, until, sigfd);
			if (rc == -2)
				return;
			ok[i] = rc == 0;
		}
	}
}

/*
 * The end: partial lines and the --max-output marker go to the log, which
 * is closed; the held-back output is printed if the run failed.
 */
void
output_finish(struct output *out, int failed, int64_t until, int sigfd)
{
	char	mark[96];
	int	i, n, rc;

	if (!out->capture)
		return;
	for (i = 0; i < 2; i++) {
		if (out->s[i].linelen > 0)	/* G5: a last line with no \n */
			log_line(out, &out->s[i], out->s[i].line,
			    out->s[i].linelen);
		out->s[i].linelen = 0;
	}
	if (out->logbuf != NULL)
		log_flush(out);
	if (out->dropped > 0 && out->log != -1) {
		n = snprintf(mark, sizeof mark, "%s[tmrun: --max-output: %llu "
		    "bytes dropped]\n", out->log_last == '\n' ? "" : "\n",
		    (unsigned long long)out->dropped);
		if (out->log_polled)
			log_queue(out, mark, n);
		else if (write_all(out->log, mark, n) == -1)
			output_log_failed(out);
	}
	if (out->pend_end > out->pend_off) {	/* the last lines, the mark */
		rc = replay_write(out->log, out->pend + out->pend_off,
		    out->pend_end - out->pend_off, until, sigfd);
		if (rc == -1)
			output_log_failed(out);
		else if (rc == -2) {
			log_stop(out);
			failed = 0;	/* out of time, or told to stop */
		}
	}
	if (out->log != -1 && close(out->log) == -1)
		tm_warn("%s", tm_quote(out->o->output));
	out->log = -1;
	if (out->spool != -1 && failed)
		replay(out, until, sigfd);
	for (i = 0; i < 2; i++) {
		free(out->s[i].buf);
		free(out->s[i].line);
	}
	free(out->logbuf);
	free(out->pend);
}
