/* Shims for what configure did not find; whole definitions only. */
#ifndef COMPAT_H
#define COMPAT_H

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#if HAVE_PIPE2
#define compat_pipe2	pipe2
#else
/* pipe2(2) for O_CLOEXEC and O_NONBLOCK; not atomic, but tmrun is
 * single-threaded and forks only from the main loop. */
static inline int
compat_pipe2(int fd[2], int flags)
{
	int	i;

	if (pipe(fd) == -1)
		return (-1);
	for (i = 0; i < 2; i++) {
		if (((flags & O_CLOEXEC) && fcntl(fd[i], F_SETFD, FD_CLOEXEC) == -1) ||
		    ((flags & O_NONBLOCK) && fcntl(fd[i], F_SETFL,
		    fcntl(fd[i], F_GETFL) | O_NONBLOCK) == -1)) {
			close(fd[0]);
			close(fd[1]);
			return (-1);
		}
	}
	return (0);
}
#endif

#ifdef F_SETPIPE_SZ
/* Resize a capture pipe: fewer wake-ups per byte.  Only a hint. */
static inline void
compat_pipe_size(int fd, int size)
{
	(void)fcntl(fd, F_SETPIPE_SZ, size);
}
#else
static inline void
compat_pipe_size(int fd, int size)
{
	(void)fd;
	(void)size;
}
#endif

#endif
