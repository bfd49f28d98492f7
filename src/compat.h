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

#ifdef F_GETPIPE_SZ
/* A pipe's size, or -1 if it cannot tell. */
static inline int
compat_pipe_cap(int fd)
{
	return (fcntl(fd, F_GETPIPE_SZ));
}
#else
static inline int
compat_pipe_cap(int fd)
{
	(void)fd;
	return (-1);
}
#endif

#ifdef __SSE2__
#include <emmintrin.h>
/* A bit for each '\n' in the 32 bytes at p: two compares, no branch per
 * byte, so finding the next line does not wait on the one before. */
static inline uint32_t
compat_nl_mask(const char *p)
{
	const __m128i	nl = _mm_set1_epi8('\n');
	uint32_t	lo, hi;

	lo = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)p), nl));
	hi = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)(p + 16)), nl));
	return (lo | hi << 16);
}
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Eight bytes at a time: a 0x80 in each byte that was a newline (exactly,
 * no borrow between bytes), then those eight bits gathered into one byte. */
static inline uint32_t
compat_nl_mask(const char *p)
{
	const uint64_t	lo7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t	w, t;
	uint32_t	m = 0;
	int		i;

	for (i = 0; i < 32; i += 8) {
		memcpy(&w, p + i, sizeof w);
		w ^= 0x0a0a0a0a0a0a0a0aULL;
		t = ~(((w & lo7) + lo7) | w | lo7);
		m |= (uint32_t)(((t >> 7) * 0x0102040810204080ULL) >> 56) << i;
	}
	return (m);
}
#else
static inline uint32_t
compat_nl_mask(const char *p)
{
	uint32_t	m = 0;
	int		i;

	for (i = 0; i < 32; i++)
		m |= (uint32_t)(p[i] == '\n') << i;
	return (m);
}
#endif

#ifdef __GNUC__
#define compat_ctz32(m)	__builtin_ctz(m)
#else
static inline int
compat_ctz32(uint32_t m)
{
	int	i;

	for (i = 0; !(m & 1); i++)
		m >>= 1;
	return (i);
}
#endif

#endif
