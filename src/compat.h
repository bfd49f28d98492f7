/* Shims for what configure did not find; whole definitions only. */
#ifndef COMPAT_H
#define COMPAT_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
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

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    defined(__ORDER_LITTLE_ENDIAN__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Where the first '\n' is in the 8 bytes at p, or 8: one word, no branch
 * per byte.  (w - ones) & ~w flags zero bytes; the lowest flag is exact. */
static inline int
compat_word_nl(const char *p)
{
	const uint64_t	ones = 0x0101010101010101ULL;
	uint64_t	w;

	memcpy(&w, p, sizeof w);
	w ^= ones * '\n';
	w = (w - ones) & ~w & ones * 0x80;
	return (w != 0 ? __builtin_ctzll(w) / 8 : 8);
}
#else
static inline int
compat_word_nl(const char *p)
{
	const char	*nl = memchr(p, '\n', 8);

	return (nl != NULL ? (int)(nl - p) : 8);
}
#endif

#endif
