/* Reading processes from Linux /proc; elsewhere every call says -1. */
#include "config.h"

#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmrun.h"

/*
 * Fill *pi from /proc/PID/stat.  Returns 0, or -1 if the process is gone or
 * /proc is not there.
 */
int
proc_stat(pid_t pid, struct procinfo *pi)
{
	char		 buf[1024], path[64], *p;
	ssize_t		 n;
	int		 fd;
	long long	 ppid, pgid, sid, threads;
	unsigned long long start;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return (-1);
	buf[n] = '\0';
	/* The command name may hold spaces and ')': skip to the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL)
		return (-1);
	if (sscanf(p + 1, " %c %lld %lld %lld %*s %*s %*s %*s %*s %*s %*s "
	    "%*s %*s %*s %*s %*s %*s %lld %*s %llu", &pi->state, &ppid, &pgid,
	    &sid, &threads, &start) != 6)
		return (-1);
	pi->pid = pid;
	pi->ppid = (pid_t)ppid;
	pi->pgid = (pid_t)pgid;
	pi->sid = (pid_t)sid;
	pi->start = start;
	pi->threads = threads;
	return (0);
}

/*
 * Call fn for every live process, until it returns non-zero.
 * Returns that value, 0, or -1 if /proc cannot be read.
 */
int
proc_each(int (*fn)(const struct procinfo *, void *), void *arg)
{
	DIR		*d;
	struct dirent	*de;
	struct procinfo	 pi;
	int		 rc = 0;

	/* An empty /proc (not mounted) would say "nobody". */
	if (access("/proc/self/stat", R_OK) == -1 ||
	    (d = opendir("/proc")) == NULL)
		return (-1);
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (proc_stat((pid_t)atol(de->d_name), &pi) == -1)
			continue;
		/* A main thread that exited shows as a zombie while other
		 * threads run on. */
		if ((pi.state != 'Z' || pi.threads > 1) && pi.state != 'X')
			rc = fn(&pi, arg);
	}
	closedir(d);
	return (rc);
}
