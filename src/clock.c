/* Absolute CLOCK_MONOTONIC instants and the poll timeout to the nearest. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <time.h>

#include "tmrun.h"

/* Now, in nanoseconds on the monotonic clock (never steps, runs on while
 * tmrun is stopped: G10). */
int64_t
clock_now(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		abort();	/* POSIX requires CLOCK_MONOTONIC */
	return ((int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec);
}

/* Now on the real-time clock, in nanoseconds since the epoch. */
int64_t
clock_realtime(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		abort();
	return ((int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec);
}

/* t + d, saturating at TM_NEVER; both are non-negative. */
int64_t
clock_add(int64_t t, int64_t d)
{
	if (t == TM_NEVER || d >= TM_NEVER - t)
		return (TM_NEVER);
	return (t + d);
}

/* Milliseconds from now to deadline for poll(2), rounded up so poll never
 * wakes early; -1 for TM_NEVER. */
int
clock_timeout_ms(int64_t deadline, int64_t now)
{
	int64_t	ms;

	if (deadline == TM_NEVER)
		return (-1);
	if (deadline <= now)
		return (0);
	ms = (deadline - now + NS_PER_MS - 1) / NS_PER_MS;
	return (ms > INT_MAX ? INT_MAX : (int)ms);
}
