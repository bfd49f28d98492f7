/* Messages, allocation and descriptor helpers. */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmrun.h"
#include "compat.h"
#include "sigsrc.h"

const char	*tm_progname = "tmrun";
int		 tm_verbose;

#define MSG_WAIT	NS_PER_S	/* for room in a stderr that can block */

static int	 msg_fd = STDERR_FILENO;	/* or a description of its own */
static int	 msg_polled = -1;	/* writes to it can block; -1: unknown */
static int64_t	 msg_wait = MSG_WAIT;	/* left of the wait: once spent, gone */
static int	(*msg_before)(void *);	/* 1: a message needs a newline first */
static void	*msg_arg;

static void	 vmsg(int, const char *, va_list) TM_PRINTFLIKE(2, 0);
static void	 msg_write(const char *, size_t);

/* One line on stderr: "tmrun: msg[: strerror(errnum)]". */
static void
vmsg(int errnum, const char *fmt, va_list ap)
{
	char	line[1024];
	int	n;

	n = 0;
	if (msg_before != NULL && msg_before(msg_arg))
		line[n++] = '\n';
	n += snprintf(line + n, sizeof line - n, "%s: ", tm_progname);
	vsnprintf(line + n, sizeof line - n, fmt, ap);
	if (errnum != 0) {
		n = (int)strlen(line);
		snprintf(line + n, sizeof line - n, ": %s", strerror(errnum));
	}
	n = (int)strlen(line);
	if ((size_t)n == sizeof line - 1)
		n--;
	line[n++] = '\n';
	msg_write(line, n);
}

/*
 * Messages to a stderr that can block wait for room one second at most over
 * the whole run, then are dropped: a reader that never reads must not hold
 * tmrun (G10).  tmrun's own description of a terminal or pipe never
 * blocks; without one (no /proc), a pipe the command shares may fill up
 * between poll and write.  Nothing sensible is left to do if stderr itself
 * fails.
 */
static void
msg_write(const char *p, size_t n)
{
	struct pollfd	pfd;
	int64_t		t0;
	ssize_t		w;
	int		r;

	if (msg_polled == -1) {	/* the first message: where do they go */
		msg_fd = fd_own(STDERR_FILENO);
		msg_polled = fd_polled(msg_fd);
	}
	if (!msg_polled) {
		(void)write_all(msg_fd, p, n);
		return;
	}
	pfd.fd = msg_fd;
	pfd.events = POLLOUT;
	while (n > 0) {
		t0 = clock_now();
		r = poll(&pfd, 1, clock_timeout_ms(t0 + msg_wait, t0));
		msg_wait -= clock_now() - t0;
		if (msg_wait < 0)
			msg_wait = 0;
		if (r == 0 || (r == -1 && errno != EINTR))
			return;
		if (r == -1)
			continue;
		w = write(msg_fd, p, n);
		if (w == -1 && errno != EINTR && errno != EAGAIN)
			return;
		if (w > 0) {
			p += w;
			n -= w;
		}
	}
}

/* Messages through a descriptor of the log file, which stderr also is, so
 * that they take their place among the log's bytes; before(arg) readies
 * the log for each, and says if it needs a newline first. */
void
tm_msg_to(int fd, int (*before)(void *), void *arg)
{
	int	d;

	if ((d = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1)
		return;
	msg_fd = d;
	msg_polled = 0;
	msg_before = before;
	msg_arg = arg;
}

void
tm_die(int code, const char *fmt, ...)
{
	va_list	ap;
	int	errnum = errno;

	va_start(ap, fmt);
	vmsg(errnum, fmt, ap);
	va_end(ap);
	exit(code);
}

void
tm_diex(int code, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
	exit(code);
}

void
tm_warn(const char *fmt, ...)
{
	va_list	ap;
	int	errnum = errno;

	va_start(ap, fmt);
	vmsg(errnum, fmt, ap);
	va_end(ap);
}

void
tm_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
}

/* A line on stderr under -v only. */
void
logv(const char *fmt, ...)
{
	va_list	ap;

	if (!tm_verbose)
		return;
	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
}

/*
 * Quote user input for a message: control bytes escaped so the message stays
 * one line.  Returns one of two static buffers, so two may be used at once.
 */
const char *
tm_quote(const char *s)
{
	static char	 buf[2][256];
	static int	 which;
	char		*b = buf[which ^= 1], *p = b;
	unsigned char	 c;

	for (; (c = *s) != '\0' && p < b + sizeof buf[0] - 5; s++) {
		if (c >= 0x20 && c != 0x7f) {
			*p++ = c;
			continue;
		}
		*p++ = '\\';
		if (c == '\n')
			*p++ = 'n';
		else if (c == '\t')
			*p++ = 't';
		else if (c == '\r')
			*p++ = 'r';
		else
			p += sprintf(p, "x%02x", c);
	}
	*p = '\0';
	return (b);
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n, size)) == NULL)
		tm_die(EXIT_CANCELED, "out of memory");
	return (p);
}

/* Mark fd close-on-exec (G6). */
int
set_cloexec(int fd)
{
	return (fcntl(fd, F_SETFD, FD_CLOEXEC));
}

/* Only ever on tmrun's own pipe ends: an inherited description is shared. */
int
set_nonblock(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return (-1);
	return (fcntl(fd, F_SETFL, fl | O_NONBLOCK));
}

/*
 * O_NONBLOCK on a descriptor tmrun opened by name.  The description is its
 * own, unless the name was one of /dev/fd/N that dup(2)s (as on the BSDs):
 * if 0, 1 or 2 got the flag too, take it back.  Returns 1 if set, else 0.
 */
int
set_nonblock_own(int fd)
{
	int	fl[3], now, i;

	for (i = 0; i < 3; i++)
		fl[i] = fcntl(i, F_GETFL);
	if (set_nonblock(fd) == -1)
		return (0);
	for (i = 0; i < 3; i++) {
		now = fcntl(i, F_GETFL);
		if (fl[i] == -1 || fl[i] & O_NONBLOCK || now == -1 ||
		    !(now & O_NONBLOCK))
			continue;
		/* The same description: take the flag back. */
		if ((now = fcntl(fd, F_GETFL)) != -1)
			(void)fcntl(fd, F_SETFL, now & ~O_NONBLOCK);
		return (0);
	}
	return (1);
}

/* A close-on-exec pipe. */
int
tm_pipe(int fd[2])
{
	return (compat_pipe2(fd, O_CLOEXEC));
}

/* Write all of buf unless an error other than EINTR; returns len or -1. */
ssize_t
write_all(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;
	size_t		 done = 0;

	while (done < len) {
		n = write(fd, p + done, len - done);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		done += n;
	}
	return ((ssize_t)done);
}

/*
 * Write n bytes to fd at the end of the run: to a pipe or terminal only when
 * poll says there is room, and not past until (G10); a forwarded signal to
 * tmrun stops it.  Returns 0, -1 if fd broke, -2 out of time, or -3 for
 * the signal.
 */
int
write_until(int fd, const char *p, size_t n, int64_t until, int sigfd)
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
			return (-3);
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

/* Whether fd is open for reading only (`1<&0`). */
static int
fd_read_only(int fd)
{
	int	fl;

	return ((fl = fcntl(fd, F_GETFL)) != -1 && (fl & O_ACCMODE) == O_RDONLY);
}

/* Whether writes to a file of mode m, open as fd, can block on a reader: a
 * pipe, socket or terminal.  Those are written only after POLLOUT: through
 * a description of tmrun's own (fd_own), or PIPE_BUF bytes at a time, which
 * a pipe then takes without blocking (G10).  Not if fd is read-only: POLLOUT
 * never comes, and a write fails at once. */
int
mode_polled(mode_t m, int fd)
{
	return ((S_ISFIFO(m) || S_ISSOCK(m) || isatty(fd)) && !fd_read_only(fd));
}

/* The same for an open descriptor. */
int
fd_polled(int fd)
{
	struct stat	st;

	return (fstat(fd, &st) == 0 && mode_polled(st.st_mode, fd));
}

/* Which terminal fd reaches, whatever name it was opened by (/dev/tty). */
dev_t
tty_device(int fd, const struct stat *st)
{
#ifdef TIOCGDEV
	unsigned int	dev;

	if (ioctl(fd, TIOCGDEV, &dev) == 0)
		return ((dev_t)dev);
#endif
	return (st->st_rdev);
}

/* fd's pipe or terminal (of status st) opened again by name, non-blocking;
 * -1 if that fails or reaches something else. */
static int
fd_reopen(int fd, const struct stat *st, const char *name)
{
	struct stat	own_st;
	int		own, same;

	if ((own = open(name, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) ==
	    -1)
		return (-1);
	same = fstat(own, &own_st) == 0 && (S_ISFIFO(st->st_mode) ?
	    own_st.st_dev == st->st_dev && own_st.st_ino == st->st_ino :
	    tty_device(own, &own_st) == tty_device(fd, st));
	if (!same) {
		close(own);
		return (-1);
	}
	return (own);
}

/*
 * O_NONBLOCK on an inherited descriptor would reach every process sharing
 * its open file description; a description of tmrun's own can have it, so
 * that a reader that never reads (a stalled ssh, ^S, a stuck pipe) cannot
 * block tmrun, nor a writer that shares the pipe fill it between poll and
 * write.  A pipe is opened again through /proc, a terminal by name or, if
 * that is another user's, as the controlling terminal.  Returns fd itself
 * for anything else, a pty master (opening its name makes a new pty), or
 * what cannot be opened again (a pipe with no reader or no /proc, someone
 * else's terminal that is not ours to control, a socket).
 */
int
fd_own(int fd)
{
	struct stat	 st;
	const char	*name;
	char		 path[32];
	int		 own = -1;
#ifdef TIOCGPTN
	unsigned int	 ptn;

	if (ioctl(fd, TIOCGPTN, &ptn) == 0)
		return (fd);
#endif
	/* Read-only (`1<&0`): opened for writing, the pipe would take the
	 * echo, and keep its reader from ever seeing the end. */
	if (fd_read_only(fd))
		return (fd);
	if (fstat(fd, &st) == -1)
		return (fd);
	if (S_ISFIFO(st.st_mode)) {
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		own = fd_reopen(fd, &st, path);
	} else if (isatty(fd)) {
		if ((name = ttyname(fd)) != NULL)
			own = fd_reopen(fd, &st, name);
		if (own == -1)
			own = fd_reopen(fd, &st, "/dev/tty");
	}
	return (own == -1 ? fd : own);
}

/* Bytes a pipe holds, or -1 if it cannot tell. */
int
pipe_level(int fd)
{
	int	n;

	return (ioctl(fd, FIONREAD, &n) == 0 ? n : -1);
}

/* Open /dev/null on any of 0, 1, 2 that start closed, so that none of
 * tmrun's own descriptors lands there (s6's fd_sanitize). */
void
fd_sanitize(void)
{
	int	fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (open("/dev/null", O_RDWR) != fd)
			exit(EXIT_CANCELED);	/* no stderr to say it on */
	}
}
