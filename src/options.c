/* The command line: getopt_long, --help, validation. */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmrun.h"

enum {
	OPT_PRESERVE_STATUS = 256,
};

static const struct option longopts[] = {
	{ "timeout",		required_argument,	NULL, 't' },
	{ "signal",		required_argument,	NULL, 's' },
	{ "kill-after",		required_argument,	NULL, 'k' },
	{ "preserve-status",	no_argument,		NULL, OPT_PRESERVE_STATUS },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static const char usage_text[] =
"usage: tmrun [OPTION]... [--] COMMAND [ARG]...\n"
"Run COMMAND with a time limit; on the deadline kill its whole process tree.\n"
"\n"
"  -t, --timeout=DURATION      deadline for the whole tree (0: none)\n"
"  -s, --signal=SIG            first signal on the deadline (default TERM)\n"
"  -k, --kill-after=DURATION   grace before SIGKILL (default 5s; 0: at once)\n"
"      --preserve-status       on timeout, exit with the command's status\n"
"  -v, --verbose               say on stderr what is signalled, and how it ended\n"
"  -h, --help                  print this help and exit\n"
"  -V, --version               print the version and exit\n"
"\n"
"DURATION is a number with an optional unit ms, s (default), m, h or d;\n"
"fractions and compounds such as 1h30m are accepted.\n"
"\n"
"Exit status: the command's; 124 on timeout; 125 if tmrun fails;\n"
"126 if COMMAND cannot be run; 127 if it is not found; 128+N if it was\n"
"killed by signal N.\n";

static TM_DEAD void	usage_error(const char *, ...) TM_PRINTFLIKE(1, 2);
static int64_t		duration_arg(const char *, const char *);

/* One line on stderr and exit 125 (GNU points to --help the same way). */
static void
usage_error(const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	tm_diex(EXIT_CANCELED, "%s (see '%s --help')", msg, tm_progname);
}

static int64_t
duration_arg(const char *opt, const char *arg)
{
	int64_t	ns;

	if (parse_duration(arg, &ns) == -1)
		usage_error("invalid duration for %s: '%s'", opt, tm_quote(arg));
	return (ns);
}

/* The option as the user typed it, for messages. */
static const char *
option_seen(char **argv)
{
	return (tm_quote(argv[optind - 1]));
}

/*
 * Fill o from the command line, or exit: 0 for --help and --version, 125
 * for a usage error.  Options end at the first operand or at "--".
 */
void
options_parse(struct opts *o, int argc, char **argv)
{
	int	ch;

	memset(o, 0, sizeof *o);
	o->signal = SIGTERM;
	o->kill_after = 5 * NS_PER_S;
	o->contain = CONTAIN_AUTO;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:t:s:k:vhV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 't':
			o->timeout = duration_arg("--timeout", optarg);
			break;
		case 's':
			if ((o->signal = parse_signal(optarg)) == -1)
				usage_error("invalid signal: '%s'",
				    tm_quote(optarg));
			break;
		case 'k':
			o->kill_after = duration_arg("--kill-after", optarg);
			break;
		case OPT_PRESERVE_STATUS:
			o->preserve_status = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(fflush(stdout) == 0 ? 0 : EXIT_CANCELED);
		case 'V':
			puts(PACKAGE_NAME " " PACKAGE_VERSION);
			exit(fflush(stdout) == 0 ? 0 : EXIT_CANCELED);
		case ':':
			usage_error("option '%s' needs a value", option_seen(argv));
		default:
			usage_error("unknown option '%s'", option_seen(argv));
		}
	}
	if (optind >= argc)
		usage_error("no command given");
	o->argv = argv + optind;
}
