/*
 * -i: telling a silent command from one that writes, or waits to write,
 * while the echo or the log holds tmrun back and its pipes are not read.
 */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include "tmrun.h"
#include "compat.h"

static int	pipe_full(int, int);

/*
 * Whether a writer may be waiting on a capture pipe that holds level bytes.
 * None if no writer is left (POLLHUP).  Where /proc reaches the pipe, a
 * write end opened for the moment says it exactly: POLLOUT means a free
 * page.  Else an atomic write that does not fit the last page takes a new
 * one, so a pipe half full (less the page a short read may have cut into)
 * may hold a writer; 8 KiB if the size is unknown (BSD pipes are 16 KiB
 * at least).
 */
static int
pipe_full(int fd, int level)
{
	struct pollfd	p;
	char		path[32];
	int		cap, n;

	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, 0) == 1 && (p.revents & POLLHUP))
		return (0);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if ((p.fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) != -1) {
		p.events = POLLOUT;
		n = poll(&p, 1, 0);
		close(p.fd);
		if (n != -1)
			return (n == 0 || (p.revents & POLLOUT) == 0);
	}
	cap = compat_pipe_cap(fd);
	return (level >= (cap == -1 ? 8192 : cap / 2 - PIPE_BUF));
}

/*
 * Whether the command has written nothing for idle ns up to now.  Bytes
 * the pipe holds while tmrun is free to read them, or more than it knew of
 * while the echo or the log holds it back, were written since, at a time
 * unknown, taken as now.  A full pipe may hold a writer waiting on tmrun,
 * which is not idle either (G10: a slow reader slows the command down);
 * that stays so until poll reports the echo or the log moving, so -i is
 * parked till then (G7).  Moves out->last_byte accordingly.
 */
int
idle_passed(struct output *out, int64_t now, int64_t idle)
{
	struct stream	*s;
	int		 i, level, busy = output_busy(out);

	for (i = 0; i < 2; i++) {
		s = &out->s[i];
		if (s->fd == -1)
			continue;
		level = pipe_level(s->fd);
		if (level == -1 ? busy : (level != s->level ||
		    (!busy && level > 0)))
			out->last_byte = now;
		if (busy && level > 0 && pipe_full(s->fd, level)) {
			out->last_byte = now;
			out->idle_parked = 1;
		}
		s->level = level;
	}
	return (now >= clock_add(out->last_byte, idle));
}

/* -i: n bytes were taken from s.  Only bytes not seen in the pipe before
 * are output: a pipe read late holds old ones. */
void
idle_seen(struct output *out, struct stream *s, ssize_t n, int64_t now)
{
	int	level = pipe_level(s->fd);

	if (level == -1 || s->level == -1 || n + level > s->level)
		out->last_byte = now;
	s->level = level;
}
