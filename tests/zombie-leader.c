/*
 * For the tests: a process whose main thread exits while another thread
 * runs on.  /proc shows it as a zombie, yet it is alive.  Prints its pid.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void	*run_on(void *);

static void *
run_on(void *arg)
{
	for (;;)
		pause();
	return (arg);
}

int
main(void)
{
	pthread_t	t;

	printf("%ld\n", (long)getpid());
	if (fflush(stdout) == EOF || pthread_create(&t, NULL, run_on, NULL))
		return (1);
	pthread_exit(NULL);
}
