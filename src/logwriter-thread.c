/*
 * A file log's --timestamps lines go into the page cache from a thread of
 * their own, while the next lines are put together: the log is some four
 * times the command's bytes, and copying them in is most of the work.
 * The thread only writes the buffers it is handed, in order; the poll
 * loop stays on the main thread.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "tmrun.h"

#define NSLOT	3	/* one filled, two to even out the writes */

struct logwriter {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	pthread_t	 thread;
	int		 started;	/* 0: no thread yet; -1: none to be had */
	int		 fd;
	size_t		 size;
	char		*slot[NSLOT];
	size_t		 len[NSLOT];
	unsigned long	 put;		/* slots handed over */
	unsigned long	 done;		/* slots written */
	int		 err;		/* the first failed write's errno */
	int		 said;		/* ...has been returned */
	int		 end;
};

static void	*logwriter_main(void *);
static int	 logwriter_spawn(struct logwriter *);
static int	 logwriter_unlock(struct logwriter *);

/* Buffers of size bytes for fd, the first current; NULL: write in place. */
struct logwriter *
logwriter_new(int fd, size_t size)
{
	struct logwriter	*w;
	int			 i;

	w = xcalloc(1, sizeof *w);
	if (pthread_mutex_init(&w->mu, NULL) != 0) {
		free(w);
		return (NULL);
	}
	if (pthread_cond_init(&w->cv, NULL) != 0) {
		pthread_mutex_destroy(&w->mu);
		free(w);
		return (NULL);
	}
	w->fd = fd;
	w->size = size;
	for (i = 0; i < NSLOT; i++)
		w->slot[i] = xcalloc(1, size);
	return (w);
}

/* The buffer to fill next. */
char *
logwriter_buf(struct logwriter *w)
{
	return (w->slot[w->put % NSLOT]);
}

/* Start the thread, signals blocked: they are the poll loop's.  0 or -1. */
static int
logwriter_spawn(struct logwriter *w)
{
	pthread_attr_t	attr;
	sigset_t	all, old;
	int		e;

	if (pthread_attr_init(&attr) != 0)
		return (-1);
	sigfillset(&all);
	e = pthread_attr_setstacksize(&attr, 256 * 1024);
	if (e == 0)
		e = pthread_sigmask(SIG_SETMASK, &all, &old);
	if (e == 0) {
		e = pthread_create(&w->thread, &attr, logwriter_main, w);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	pthread_attr_destroy(&attr);
	return (e == 0 ? 0 : -1);
}

/* The thread: write each slot handed over, until told to end.  After a
 * failed write the rest is dropped: the log has failed. */
static void *
logwriter_main(void *arg)
{
	struct logwriter	*w = arg;
	unsigned long		 i;
	int			 e;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->done == w->put && !w->end)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->done == w->put)
			break;
		i = w->done % NSLOT;
		e = w->err;
		pthread_mutex_unlock(&w->mu);
		if (e == 0 && write_all(w->fd, w->slot[i], w->len[i]) == -1)
			e = errno;
		pthread_mutex_lock(&w->mu);
		w->err = e;
		w->done++;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return (NULL);
}

/* Unlock; -1 with errno if a write failed that has not been said. */
static int
logwriter_unlock(struct logwriter *w)
{
	int	e = w->said ? 0 : w->err;

	w->said = w->err != 0;
	pthread_mutex_unlock(&w->mu);
	if (e == 0)
		return (0);
	errno = e;
	return (-1);
}

/*
 * Hand over the first n bytes of the current buffer; logwriter_buf() then
 * gives the next, once it is free.  Returns -1 with errno if a write
 * failed since the last call, else 0.  Until a buffer handed over is half
 * full, and with no thread to be had, writes in place: a thread counts
 * against the user's process limit, and a command with little output
 * should not pay for it.
 */
int
logwriter_put(struct logwriter *w, size_t n)
{
	if (w->started == 0 && n >= w->size / 2)
		w->started = logwriter_spawn(w) == 0 ? 1 : -1;
	if (w->started != 1)
		return (write_all(w->fd, logwriter_buf(w), n) == -1 ? -1 : 0);
	pthread_mutex_lock(&w->mu);
	w->len[w->put % NSLOT] = n;
	w->put++;
	pthread_cond_broadcast(&w->cv);
	while (w->put - w->done == NSLOT)
		pthread_cond_wait(&w->cv, &w->mu);
	return (logwriter_unlock(w));
}

/* 1 if writes handed over are pending, or a failed one is yet to be said. */
int
logwriter_behind(struct logwriter *w)
{
	int	behind;

	if (w->started != 1)
		return (0);
	pthread_mutex_lock(&w->mu);
	behind = w->done != w->put || (w->err != 0 && !w->said);
	pthread_mutex_unlock(&w->mu);
	return (behind);
}

/* Wait until all handed over is written; as logwriter_put() returns. */
int
logwriter_wait(struct logwriter *w)
{
	if (w->started != 1)
		return (0);
	pthread_mutex_lock(&w->mu);
	while (w->done != w->put)
		pthread_cond_wait(&w->cv, &w->mu);
	return (logwriter_unlock(w));
}

/* Wait for the last write, end the thread, free; as logwriter_put()
 * returns. */
int
logwriter_end(struct logwriter *w)
{
	int	rc, e, i;

	rc = logwriter_wait(w);
	e = errno;
	if (w->started == 1) {
		pthread_mutex_lock(&w->mu);
		w->end = 1;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
	}
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	for (i = 0; i < NSLOT; i++)
		free(w->slot[i]);
	free(w);
	errno = e;
	return (rc);
}
