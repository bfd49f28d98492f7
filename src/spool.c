/*
 * --output-on-failure: the output held back in an unlinked temporary file,
 * as (stream, length, bytes) records, and played back in arrival order if
 * the run failed.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmrun.h"


/* Open the spool: an unlinked file, so memory stays bounded.  Exits 125
 * if it cannot be: the command has not started. */
void
spool_open(struct output *out)
{
	const char	*tmp;
	char		 path[PATH_MAX];

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(path, sizeof path, "%s/tmrun.XXXXXX", tmp);
	if ((out->spool = mkstemp(path)) == -1)
		tm_die(EXIT_CANCELED, "%s", tm_quote(path));
	if (unlink(path) == -1 || set_cloexec(out->spool) == -1)
		tm_die(EXIT_CANCELED, "%s", tm_quote(path));
}

/* A record of (stream, length, bytes). */
void
spool_write(struct output *out, int which, const char *p, size_t n)
{
	unsigned char	hdr[5];

	if (out->spool == -1 || out->spool_failed)
		return;
	hdr[0] = (unsigned char)which;
	hdr[1] = n >> 24;
	hdr[2] = n >> 16;
	hdr[3] = n >> 8;
	hdr[4] = n;
	if (write_all(out->spool, hdr, sizeof hdr) != -1 &&
	    write_all(out->spool, p, n) != -1) {
		out->spool_end += sizeof hdr + n;
		return;
	}
	/* G5: what is not held is shown; what is, still waits for the end.
	 * The replay stops at spool_end: a torn record was shown. */
	tm_warnx("cannot hold the output back: %s%s", strerror(errno),
	    out->o->quiet ? "; the rest is not kept" :
	    "; showing the rest as it comes");
	out->spool_failed = 1;
	output_echo(out);
}

/* Play the spool back, each chunk to its stream, no later than until. */
void
spool_replay(struct output *out, int64_t until, int sigfd)
{
	unsigned char	 hdr[5];
	char		*buf = out->s[0].buf;
	size_t		 n, k;
	ssize_t		 r;
	off_t		 left = out->spool_end;	/* whole records only */
	int		 i, rc, ok[2] = { 1, 1 };

	/* Not into the log, nor where the echo failed already (shown live
	 * once the spool failed). */
	for (i = 0; i < 2; i++)
		ok[i] = !output_is_log(out, out->s[i].to) &&
		    !out->s[i].echo_broke;
	if ((!ok[0] && !ok[1]) || lseek(out->spool, 0, SEEK_SET) == -1)
		return;
	while (left > 0 &&
	    read(out->spool, hdr, sizeof hdr) == (ssize_t)sizeof hdr) {
		i = hdr[0] == 2;
		n = (size_t)hdr[1] << 24 | hdr[2] << 16 | hdr[3] << 8 | hdr[4];
		left -= (off_t)(sizeof hdr + n);
		for (; n > 0; n -= (size_t)r) {
			k = n < CHUNK ? n : CHUNK;
			if ((r = read(out->spool, buf, k)) <= 0)
				return;
			if (!ok[i])
				continue;	/* it failed: the other goes on */
			rc = write_until(out->s[i].to, buf, r, until, sigfd);
			if (rc == -3)
				return;	/* told to stop */
			if (rc == -1)
				output_echo_failed(&out->s[i]);
			else if (rc == -2)
				tm_warnx("%s is not read in time; the rest of "
				    "its output is not shown", out->s[i].name);
			if (!(ok[i] = rc == 0) && !ok[!i])
				return;	/* nowhere to go */
		}
	}
}
