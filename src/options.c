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
	OPT_OUTPUT_ON_FAILURE,
	OPT_TIMESTAMPS,
	OPT_MAX_OUTPUT,
	OPT_WAIT_DELAY,
	OPT_KEEP_ORPHANS,
};

static const struct option longopts[] = {
	{ "timeout",		required_argument,	NULL, 't' },
	{ "signal",		required_argument,	NULL, 's' },
	{ "kill-after",		required_argument,	NULL, 'k' },
	{ "idle-timeout",	required_argument,	NULL, 'i' },
	{ "output",		required_argument,	NULL, 'o' },
	{ "append",		no_argument,		NULL, 'a' },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "output-on-failure",	no_argument,		NULL, OPT_OUTPUT_ON_FAILURE },
	{ "timestamps",		optional_argument,	NULL, OPT_TIMESTAMPS },
	{ "max-output",		required_argument,	NULL, OPT_MAX_OUTPUT },
	{ "wait-delay",		required_argument,	NULL, OPT_WAIT_DELAY },
	{ "keep-orphans",	no_argument,		NULL, OPT_KEEP_ORPHANS },
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
"  -i, --idle-timeout=DURATION time out after DURATION without output (0: none)\n"
"  -o, --output=FILE           also write stdout and stderr to FILE (truncated)\n"
"  -a, --append                with -o: append to FILE, do not truncate it\n"
"  -q, --quiet                 do not echo the output (with -o or\n"
"                              --output-on-failure)\n"
"      --output-on-failure     hold the output back; print it only if the\n"
"                              command fails or times out\n"
"      --timestamps[=iso|elapsed]\n"
"                              prefix each line in FILE with the UTC time\n"
"                              (iso, the default) or +SECONDS since the start\n"
"      --max-output=SIZE       write at most SIZE bytes (K, M, G: powers of\n"
"                              1024) to FILE, then a line saying how many\n"
"                              were dropped\n"
"      --wait-delay=DURATION   let leftover processes run this long after\n"
"                              the command exits (default 0)\n"
"      --keep-orphans          leave leftover processes running (once\n"
"                              --wait-delay is over)\n"
"      --preserve-status       on timeout, exit with the command's status\n"
"  -v, --verbose               say on stderr what is signalled, and how it ended\n"
"  -h, --help                  print this help and exit\n"
"  -V, --version               print the version and exit\n"
"\n"
"DURATION is a number with an optional unit ms, s (default), m, h or d;\n"
"fractions and compounds such as 1h30m (each part with its unit) are accepted.\n"
"\n"
"Exit status: the command's; 124 on timeout; 125 if tmrun fails;\n"
"126 if COMMAND cannot be run; 127 if it is not found; 128+N if it was\n"
"killed by signal N.\n";

static TM_DEAD void	usage_error(const char *, ...) TM_PRINTFLIKE(1, 2);
static int64_t		duration_arg(const char *, const char *);
static TM_DEAD void	print_exit(void);

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

/* After --help or --version: 0, or 125 and why if stdout failed. */
static void
print_exit(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		exit(0);
	tm_die(EXIT_CANCELED, "write error");
}

static int64_t
duration_arg(const char *opt, const char *arg)
{
	int64_t	ns;

	if (parse_duration(arg, &ns) == -1)
		usage_error("invalid duration for %s: '%s'", opt, tm_quote(arg));
	return (ns);
}

/* The option as the user typed it, for messages: a long one as written,
 * a short one by its letter (getopt may be inside a cluster such as -xv,
 * and moves optind on only at its end). */
static const char *
option_seen(char **argv, int before)
{
	static char	letter[3] = "-";

	if (optind > before && strncmp(argv[optind - 1], "--", 2) == 0)
		return (tm_quote(argv[optind - 1]));
	letter[1] = (char)optopt;
	return (tm_quote(letter));
}

/* Why getopt_long refused the long option arg: it is ambiguous, takes no
 * value, or is unknown. */
static TM_DEAD void
long_option_error(const char *arg)
{
	const struct option	*lo;
	char			 names[512] = "";
	size_t			 len = strcspn(arg + 2, "="), at = 0;
	int			 n = 0;

	for (lo = longopts; len > 0 && lo->name != NULL; lo++) {
		if (strncmp(lo->name, arg + 2, len) != 0)
			continue;
		if (lo->name[len] == '\0')
			usage_error("option '--%s' takes no value", lo->name);
		if (at < sizeof names)
			at += snprintf(names + at, sizeof names - at, "%s--%s",
			    n > 0 ? ", " : "", lo->name);
		n++;
	}
	/* A prefix of option names: no bytes to quote. */
	if (n == 1)
		usage_error("option '%s' takes no value", names);
	if (n > 1)
		usage_error("option '%.*s' is ambiguous: %s", (int)len + 2,
		    arg, names);
	usage_error("unknown option '%s'", tm_quote(arg));
}

/*
 * Fill o from the command line, or exit: 0 for --help and --version, 125
 * for a usage error.  Options end at the first operand or at "--".
 */
void
options_parse(struct opts *o, int argc, char **argv)
{
	int	ch, before;

	memset(o, 0, sizeof *o);
	o->signal = SIGTERM;
	o->kill_after = 5 * NS_PER_S;
	o->contain = CONTAIN_AUTO;
	opterr = 0;
	o->max_output = UINT64_MAX;
	while ((before = optind,
	    ch = getopt_long(argc, argv, "+:t:s:k:i:o:aqvhV", longopts,
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
		case 'i':
			o->idle = duration_arg("--idle-timeout", optarg);
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'a':
			o->append = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case OPT_OUTPUT_ON_FAILURE:
			o->on_failure = 1;
			break;
		case OPT_TIMESTAMPS:
			if (optarg == NULL || strcmp(optarg, "iso") == 0)
				o->timestamps = TS_ISO;
			else if (strcmp(optarg, "elapsed") == 0)
				o->timestamps = TS_ELAPSED;
			else
				usage_error("invalid --timestamps: '%s' (iso or "
				    "elapsed)", tm_quote(optarg));
			break;
		case OPT_MAX_OUTPUT:
			if (parse_size(optarg, &o->max_output) == -1)
				usage_error("invalid size for --max-output: '%s'",
				    tm_quote(optarg));
			break;
		case OPT_WAIT_DELAY:
			o->wait_delay = duration_arg("--wait-delay", optarg);
			break;
		case OPT_KEEP_ORPHANS:
			o->keep_orphans = 1;
			break;
		case OPT_PRESERVE_STATUS:
			o->preserve_status = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			print_exit();
		case 'V':
			puts(PACKAGE_NAME " " PACKAGE_VERSION);
			print_exit();
		case ':':
			usage_error("option '%s' needs a value",
			    option_seen(argv, before));
		default:
			if (optind > before &&
			    strncmp(argv[optind - 1], "--", 2) == 0)
				long_option_error(argv[optind - 1]);
			usage_error("unknown option '%s'",
			    option_seen(argv, before));
		}
	}
	if (optind >= argc)
		usage_error("no command given");
	if (o->output == NULL) {
		if (o->append)
			usage_error("--append needs --output");
		if (o->timestamps != TS_NONE)
			usage_error("--timestamps needs --output");
		if (o->max_output != UINT64_MAX)
			usage_error("--max-output needs --output");
		if (o->quiet && !o->on_failure)
			usage_error("--quiet needs --output or "
			    "--output-on-failure");
	}
	o->argv = argv + optind;
}
