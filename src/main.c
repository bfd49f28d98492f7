/* tmrun: options -> contain -> spawn -> supervise -> exit. */
#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include "tmrun.h"
#include "contain.h"
#include "sigsrc.h"

int
main(int argc, char **argv)
{
	struct opts	o;
	struct contain	ct;
	struct output	out;
	struct run	r = { 0 };
	int		rc;

	fd_sanitize();
	options_parse(&o, argc, argv);
	tm_verbose = o.verbose;
	r.o = &o;
	r.ct = &ct;
	r.out = &out;
	/* The watcher (where there is one) first: it must hold none of the
	 * descriptors opened below. */
	pdeath_start();
	/* Before the signal source: a FIFO log may block here, as with tee,
	 * and Ctrl-C must still end tmrun; the harmless signals are ignored
	 * from here. */
	sigsrc_save();
	output_open(&out, &o);
	r.sigfd = sigsrc_open();
	if (contain_open(&ct, o.contain) == -1)
		tm_die(EXIT_CANCELED, "containment unavailable");
	if ((rc = spawn_command(&r)) != 0) {
		output_finish(&out, 0, TM_NEVER, r.sigfd);
		output_release(&out);
		pdeath_done();
		return (rc);
	}
	if (supervise_run(&r) == -1) {
		/* No bailing out with the tree alive. */
		tm_warn("poll");
		contain_signal(&ct, SIGKILL);
		output_finish(&out, 1, r.drain_until, r.sigfd);
		output_release(&out);
		return (EXIT_CANCELED);
	}
	contain_close(&ct);
	rc = supervise_exit_code(&r);
	output_finish(&out, rc != 0 || r.timed_out, r.drain_until, r.sigfd);
	supervise_summary(&r);
	output_release(&out);
	pdeath_done();
	return (rc);
}
