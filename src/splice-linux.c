/*
 * The Linux fast path for capture: bytes go from the command's pipe to the
 * echo and the log with tee(2) and splice(2), never through tmrun's memory.
 * Where the descriptors do not allow it, output.c reads and writes instead.
 */
#include "config.h"


#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "tmrun.h"
#include "compat.h"

#define PUMP_MAX	(1024 * 1024)	/* the capture pipes' size, once needed */

static void	log_splice(struct output *, struct stream *, size_t);
static ssize_t	echo_busy(struct stream *);
static void	echo_side(struct output *, struct stream *, size_t);

/*
 * Choose the streams that can take the fast path: no per-byte work (no
 * timestamps, spool or --max-output), a log that is a file but not
 * O_APPEND (splice refuses those; a pipe log's bytes may have to wait) nor
 * the caller's (splice does not hold the file offset against writers
 * through it) nor stderr (messages need its last byte), and an echo that
 * is a pipe or a file (not a terminal).
 * A pipe on the side carries echo bound for a file.  With no echo, plain
 * reads measured no dearer than splice, and need no larger pipe.
 */
void
splice_setup(struct output *out)
{
	const struct opts	*o = out->o;
	struct stream		*s;
	int			 i, side = 0;

	if (o->timestamps != TS_NONE || o->on_failure ||
	    o->max_output != UINT64_MAX || out->log_polled ||
	    out->log_shared || output_is_log(out, STDERR_FILENO) ||
	    (out->log != -1 && (fcntl(out->log, F_GETFL) & O_APPEND)))
		return;
	for (i = 0; i < 2; i++) {
		s = &out->s[i];
		/* stream_open found what the echo is: no terminal, no socket */
		if (s->echo == -1 || (s->echo_polled && !s->echo_fifo))
			continue;
		s->splice = 1;
		s->grow = PUMP_MAX;
		side |= !s->echo_fifo && out->log != -1;
	}
	if (side && (tm_pipe(out->side) == -1 || set_nonblock(out->side[0])
	    == -1 || set_nonblock(out->side[1]) == -1)) {
		out->s[0].splice = out->s[1].splice = 0;
		out->s[0].grow = out->s[1].grow = 0;
		return;
	}
	if (side)	/* as large as the streams: it must fill for them to grow */
		compat_pipe_size(out->side[1], CHUNK);
}

/* EAGAIN: wait for room in the echo if that was it (the command's pipe
 * holds something), else for data. */
static ssize_t
echo_busy(struct stream *s)
{
	if (pipe_level(s->fd) > 0)
		s->echo_wait = 1;
	errno = EAGAIN;
	return (-1);
}

/*
 * Move n bytes, already echoed, from the command's pipe into the log.  A log
 * that takes no splice (a device, /dev/full) gets the rest written, so the
 * error, if any, is the write's; then this stream leaves the fast path.
 */
static void
log_splice(struct output *out, struct stream *s, size_t n)
{
	ssize_t	k;

	while (n > 0) {
		k = splice(s->fd, NULL, out->log, NULL, n, SPLICE_F_MOVE);
		if (k == -1 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		out->log_bytes += k;
		n -= k;
	}
	if (n > 0)
		s->splice = 0;
	while (n > 0 && (k = read(s->fd, s->buf, n < CHUNK ? n : CHUNK)) > 0) {
		log_write(out, s->buf, k);
		n -= k;
	}
}

/* Move n bytes from the side pipe to a file echo; one that takes no splice
 * (O_APPEND) gets them written, and the stream leaves the fast path. */
static void
echo_side(struct output *out, struct stream *s, size_t n)
{
	ssize_t	k;

	while (n > 0 && (k = splice(out->side[0], NULL, s->echo, NULL, n,
	    SPLICE_F_MOVE)) > 0)
		n -= k;
	if (n > 0)
		s->splice = 0;
	while (n > 0 && (k = read(out->side[0], s->buf,
	    n < CHUNK ? n : CHUNK)) > 0) {
		if (s->echo != -1 && write_all(s->echo, s->buf, k) == -1)
			output_echo_failed(s);
		n -= k;
	}
}

/*
 * Move up to want bytes from the stream's pipe to its echo and the log.
 * Returns the count, 0 at end of file, or -1: EAGAIN for nothing to do now
 * (s->echo_wait set if the echo is full), anything else to say "use the
 * read path", with nothing consumed.
 */
ssize_t
splice_pump(struct output *out, struct stream *s, size_t want)
{
	ssize_t	n;

	if (want > PUMP_MAX)
		want = PUMP_MAX;
	/* An echo that ended (broken, or dropped at a deadline): the read
	 * path, whose writes wait on a slow log pipe as tee's do. */
	if (s->echo == -1) {
		errno = EINVAL;
		return (-1);
	}
	if (out->log == -1 && s->echo_fifo) {
		n = splice(s->fd, NULL, s->echo, NULL, want,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n == -1 && errno == EAGAIN)
			return (echo_busy(s));
		if (n == -1 && errno == EPIPE)
			s->echo = -1;	/* a broken stdout ends the echo */
		if (n == -1)
			errno = EINVAL;	/* the read path says what is wrong */
		return (n);
	}
	if (out->log == -1) {	/* echo to a file: no log to feed */
		n = splice(s->fd, NULL, s->echo, NULL, want, SPLICE_F_MOVE);
		if (n == -1 && errno != EAGAIN)
			errno = EINVAL;
		return (n);
	}
	/* Both: a copy of the bytes for the echo, then the bytes to the log. */
	n = tee(s->fd, s->echo_fifo ? s->echo : out->side[1], want,
	    SPLICE_F_NONBLOCK);
	if (n == -1 && errno == EAGAIN)
		return (s->echo_fifo ? echo_busy(s) : -1);
	/* 0 is also "the echo filled up after all": another writer shares
	 * it.  Only an empty pipe is the end. */
	if (n == 0 && pipe_level(s->fd) > 0)
		return (echo_busy(s));
	if (n == -1 && errno == EPIPE) {
		s->echo = -1;
		return (splice_pump(out, s, want));
	}
	if (n == -1) {
		errno = EINVAL;
		return (-1);
	}
	if (n > 0 && !s->echo_fifo)
		echo_side(out, s, n);
	log_splice(out, s, n);
	return (n);
}
