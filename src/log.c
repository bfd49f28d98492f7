/*
 * The log file: stdout and stderr in arrival order, --timestamps lines put
 * together per stream, --max-output, and a log that is a pipe written
 * without ever blocking tmrun.
 */
#include "config.h"

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

static int	file_last_byte(int, const char *);
static size_t	stamp(enum timestamps, int64_t, char *, size_t);
static ssize_t	log_try(struct output *, const char *, size_t);
static void	log_queue(struct output *, const char *, size_t);
static void	log_flush(struct output *);
static void	log_line(struct output *, struct stream *, const char *,
		    size_t);
static size_t	log_lines(struct output *, const char *, size_t);
static void	log_adopt(struct output *);

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

/*
 * A stdout or stderr that is the log file itself (cmd >LOG with -o LOG):
 * write the log through that description, from the file's end (after the
 * truncation or at the end of what -a keeps).  One offset then serves the
 * log, tmrun's messages and whatever else writes through it, and the
 * caller's next bytes go after the log.  Not with -a unless it appends
 * too; each such descriptor still starts at the end, past what -a keeps.
 */
static void
log_adopt(struct output *out)
{
	int	fd, fl, d;

	for (fd = STDOUT_FILENO; fd <= STDERR_FILENO; fd++) {
		if (!output_is_log(out, fd) ||
		    (fl = fcntl(fd, F_GETFL)) == -1 ||
		    (fl & O_ACCMODE) == O_RDONLY ||
		    lseek(fd, 0, SEEK_END) == -1)
			continue;
		/* -a keeps appending: others may append meanwhile. */
		if (out->log_shared || (out->o->append && !(fl & O_APPEND)) ||
		    (d = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1)
			continue;
		close(out->log);
		out->log = d;
		out->log_shared = 1;
	}
}

/*
 * Open the log: truncated, or appended with -a.  Exits 125 if it cannot
 * be: the command has not started.
 */
void
log_open(struct output *out, const char *path)
{
	const struct opts	*o = out->o;
	struct stat		 st;
	int			 flags, reg;

	flags = O_WRONLY | O_CREAT | O_CLOEXEC | (o->append ? O_APPEND :
	    O_TRUNC);
	if ((out->log = open(path, flags, 0666)) == -1)
		tm_die(EXIT_CANCELED, "%s", *path != '\0' ? tm_quote(path) :
		    "''");
	reg = fstat(out->log, &st) == 0 && S_ISREG(st.st_mode);
	if (reg) {
		out->log_dev = st.st_dev;
		out->log_ino = st.st_ino;
		log_adopt(out);
	}
	/* A pipe nobody reads must not hold tmrun past a deadline. */
	out->log_polled = fd_polled(out->log);
	out->log_own = out->log_polled && set_nonblock_own(out->log);
	/* Not when stderr is the log: tmrun's messages would pass it. */
	if (o->timestamps != TS_NONE && reg &&
	    !output_is_log(out, STDERR_FILENO))
		out->writer = logwriter_new(out->log, LOGBUF + SLACK);
	if (out->writer != NULL)
		out->logbuf = logwriter_buf(out->writer);
	else if (o->timestamps != TS_NONE)
		out->logbuf = xcalloc(1, LOGBUF + SLACK);
	/* The marker, the first stamp and tmrun's messages start lines of
	 * their own. */
	if (o->append && (o->max_output != UINT64_MAX ||
	    o->timestamps != TS_NONE || output_is_log(out, STDERR_FILENO)))
		out->log_last = file_last_byte(out->log, path);
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
log_failed(struct output *out)
{
	out->log_last = 0;	/* a line may be cut: its warning starts anew */
	tm_warn("%s: cannot write the log", tm_quote(out->o->output));
	close(out->log);
	out->log = -1;
	out->pend_off = out->pend_end = 0;
	/* The stream that failed leaves the fast path; the other goes too,
	 * or it would splice ahead of it into an echo they share. */
	out->s[0].splice = out->s[1].splice = 0;
}

/* Write to a log that can block as much as it takes now.  Returns the
 * bytes taken, or -1 if the log failed. */
static ssize_t
log_try(struct output *out, const char *p, size_t n)
{
	size_t	done = 0;
	ssize_t	w;

	while (done < n) {
		/* A description shared with others blocks: one write of what
		 * POLLOUT vouches for. */
		w = write(out->log, p + done, out->log_own || n - done <
		    PIPE_BUF ? n - done : PIPE_BUF);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && errno == EAGAIN)
			break;
		if (w == -1) {
			log_failed(out);
			return (-1);
		}
		done += w;
		if (!out->log_own)
			break;
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

	if (out->pend_end == 0 && out->log_own) {
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
		if ((np = realloc(out->pend, out->pend_end + n)) == NULL) {
			log_failed(out);	/* as a full disk: the run goes on */
			return;
		}
		out->pend = np;
		out->pend_cap = out->pend_end + n;
	}
	memcpy(out->pend + out->pend_end, p, n);
	out->pend_end += n;
}

/* Bytes to the log file, up to --max-output; the rest is counted. */
void
log_write(struct output *out, const char *p, size_t n)
{
	size_t	room = n;

	if (out->o->max_output - out->log_bytes < n)
		room = out->o->max_output - out->log_bytes;
	out->dropped += n - room;
	if (room == 0 || out->log == -1)
		return;
	if (out->log_polled)
		log_queue(out, p, room);
	else if (out->writer != NULL) {	/* p is logbuf */
		if (logwriter_put(out->writer, room) == -1) {
			log_failed(out);
			return;
		}
		out->logbuf = logwriter_buf(out->writer);
	} else if (write_all(out->log, p, room) == -1) {
		log_failed(out);
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
		log_write(out, out->logbuf, out->loglen);
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
		/* -a: end the file's own last line, once, outside the
		 * --max-output count, as the marker's newline is. */
		if (out->log_last != '\n' && out->log_bytes == 0 &&
		    out->loglen == 0 && out->log != -1) {
			out->log_last = '\n';
			if (write_all(out->log, "\n", 1) == -1)
				log_failed(out);
		}
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
void
log_chunk(struct output *out, struct stream *s, const char *p, size_t n,
    int64_t now)
{
	const char	*nl;
	size_t		 k;

	if (out->log == -1)
		return;
	if (out->logbuf == NULL) {
		log_write(out, p, n);
		return;
	}
	if (out->o->timestamps == TS_ISO)
		now = clock_realtime();
	else
		now -= out->started;
	while (n > 0) {
		nl = memchr(p, '\n', n);
		if (s->linelen == 0) {
			/* Also the rest of a line: cut off by the other
			 * stream, it gets a stamp of its own, from now. */
			s->line_at = now;
			if (nl != NULL && !s->midline) {
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

/*
 * After a read from fd, before its echo: if the pipe holds no more for now,
 * the log catches up, as if written in place, and a failed write is said
 * now, not at the next burst.  While there is more, the writes overlap.
 */
void
log_sync(struct output *out, int fd)
{
	struct pollfd	pfd;

	if (out->writer == NULL || out->log == -1 ||
	    !logwriter_behind(out->writer))
		return;
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN))
		return;
	if (logwriter_wait(out->writer) == -1)
		log_failed(out);
}

/* 1 while a pipe log has bytes it has not taken. */
int
log_waiting(const struct output *out)
{
	return (out->pend_end > out->pend_off);
}

/* The log has room: write what waits. */
void
log_resume(struct output *out)
{
	ssize_t	w;

	w = log_try(out, out->pend + out->pend_off,
	    out->pend_end - out->pend_off);
	if (w > 0 && (out->pend_off += w) == out->pend_end)
		out->pend_off = out->pend_end = 0;
}

/* A message of tmrun's is about to go into the log file, which stderr is:
 * it starts a line of its own (1: after a newline), and the line it cuts
 * gets a stamp again. */
int
log_break(void *arg)
{
	struct output	*out = arg;
	int		 cut = out->log_last != '\n';

	out->log_last = '\n';
	if (out->open != NULL) {
		out->open->midline = 0;
		out->open = NULL;
	}
	return (cut);
}

/* A pipe log not read in time, or a signal said to stop writing it: say
 * so, and close it. */
void
log_stop(struct output *out, int signalled)
{
	tm_warnx("%s: %s; the rest is not logged", tm_quote(out->o->output),
	    signalled ? "told to stop" : "the log is not read in time");
	close(out->log);
	out->log = -1;
	out->pend_off = out->pend_end = 0;
}

/*
 * The end of the log: partial lines and the --max-output marker, written
 * to a pipe log no later than until.  Returns -1 if a forwarded signal
 * cut that short, else 0.
 */
int
log_finish(struct output *out, int64_t until, int sigfd)
{
	struct stream	*s;
	char		 mark[96];
	int		 i, n, rc = 0, first;

	/* G5: last lines with no \n, the one begun first first: the one
	 * the log ends in, if any. */
	if (out->open != NULL)
		first = out->open == &out->s[1];
	else
		first = out->s[0].linelen == 0 || (out->s[1].linelen > 0 &&
		    out->s[1].line_at < out->s[0].line_at);
	for (i = 0; i < 2; i++) {
		s = &out->s[i ^ first];
		if (s->linelen > 0)
			log_line(out, s, s->line, s->linelen);
		s->linelen = 0;
	}
	if (out->logbuf != NULL)
		log_flush(out);
	if (out->writer != NULL) {
		if (logwriter_end(out->writer) == -1 && out->log != -1)
			log_failed(out);
		out->writer = NULL;
		out->logbuf = NULL;	/* it was the writer's */
	}
	if (out->dropped > 0 && out->log != -1) {
		n = snprintf(mark, sizeof mark, "%s[tmrun: --max-output: %llu "
		    "bytes dropped]\n", out->log_last == '\n' ? "" : "\n",
		    (unsigned long long)out->dropped);
		if (out->log_polled)
			log_queue(out, mark, n);
		else if (write_all(out->log, mark, n) == -1)
			log_failed(out);
		out->log_last = '\n';
	}
	if (log_waiting(out)) {
		rc = write_until(out->log, out->pend + out->pend_off,
		    out->pend_end - out->pend_off, until, sigfd);
		if (rc == -1)
			log_failed(out);
		else if (rc < -1)
			log_stop(out, rc == -3);
	}
	if (out->log != -1 && close(out->log) == -1)
		tm_warn("%s", tm_quote(out->o->output));
	out->log = -1;
	free(out->logbuf);
	free(out->pend);
	return (rc == -3 ? -1 : 0);
}
