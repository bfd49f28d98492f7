/* Pure parsers and formatters: durations, signal names. */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tmrun.h"

#define NS_PER_MIN	(60 * NS_PER_S)
#define NS_PER_HOUR	(60 * NS_PER_MIN)
#define NS_PER_DAY	(24 * NS_PER_HOUR)

static const struct {
	const char	*name;
	int		 signo;
} signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "ILL", SIGILL }, { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
	{ "BUS", SIGBUS }, { "FPE", SIGFPE }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
	{ "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH },
	{ "SYS", SIGSYS },
#ifdef SIGSTKFLT
	{ "STKFLT", SIGSTKFLT },
#endif
#ifdef SIGIO
	{ "IO", SIGIO },
#endif
#ifdef SIGPOLL
	{ "POLL", SIGPOLL },
#endif
#ifdef SIGPWR
	{ "PWR", SIGPWR },
#endif
	/* Other names for the same signals, as kill(1) takes them. */
	{ "IOT", SIGABRT }, { "CLD", SIGCHLD },
};

static const struct {
	int64_t		 ns;
	const char	*name;
} units[] = {		/* "ms" before "m" */
	{ NS_PER_MS, "ms" }, { NS_PER_S, "s" }, { NS_PER_MIN, "m" },
	{ NS_PER_HOUR, "h" }, { NS_PER_DAY, "d" },
};

/* Decimal digits at s into *n, saturating at UINT64_MAX; returns what
 * follows them. */
static const char *
parse_digits(const char *s, uint64_t *n)
{
	uint64_t	d;

	for (*n = 0; isdigit((unsigned char)*s); s++) {
		d = (uint64_t)(*s - '0');
		*n = *n > (UINT64_MAX - d) / 10 ? UINT64_MAX : *n * 10 + d;
	}
	return (s);
}

/*
 * Read one "NUMBER[UNIT]" term at *sp into *ns (rounded up, saturating at
 * TM_NEVER) and advance *sp.  A missing unit means seconds.  Returns -1 on
 * junk.
 */
static int
parse_term(const char **sp, int64_t *ns)
{
	const char	*s = *sp;
	uint64_t	 ip, frac = 0, scale = 1, num, part;
	int64_t		 unit = NS_PER_S;
	int		 digits, rest = 0;
	size_t		 i, len;

	s = parse_digits(s, &ip);
	digits = s != *sp;
	if (*s == '.') {
		/* Nine digits of the unit are plenty; any beyond round up. */
		for (s++; isdigit((unsigned char)*s); s++, digits++) {
			if (scale < NS_PER_S) {
				frac = frac * 10 + (*s - '0');
				scale *= 10;
			} else if (*s != '0')
				rest = 1;
		}
	}
	if (digits == 0)
		return (-1);
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		len = strlen(units[i].name);
		if (strncmp(s, units[i].name, len) == 0) {
			unit = units[i].ns;
			s += len;
			break;
		}
	}
	*sp = s;
	if (ip >= (uint64_t)(TM_NEVER / unit)) {
		*ns = TM_NEVER;
		return (0);
	}
	/* frac/scale of unit, rounded up, without overflow: num < 8.64e16. */
	num = frac * (uint64_t)(unit / NS_PER_MS);
	if (scale <= 1000000)
		part = num * (1000000 / scale);
	else {
		part = num / (scale / 1000000);
		rest |= num % (scale / 1000000) != 0;
	}
	*ns = (int64_t)(ip * (uint64_t)unit + part) + rest;
	return (0);
}

/*
 * Parse a duration ("30", "1.5m", "1h30m", "250ms") into nanoseconds.
 * Returns 0, or -1 for anything else ("-1", "5x", "", "nan").
 */
int
parse_duration(const char *s, int64_t *ns)
{
	int64_t	term, total = 0;
	int	terms = 0;

	if (*s == '\0')
		return (-1);
	while (*s != '\0') {
		if (parse_term(&s, &term) == -1)
			return (-1);
		/* A bare number is only allowed alone: "1h30" is ambiguous. */
		if (terms > 0 && !isalpha((unsigned char)s[-1]))
			return (-1);
		if (*s != '\0' && !isalpha((unsigned char)s[-1]))
			return (-1);
		total = clock_add(total, term);
		terms++;
	}
	*ns = total;
	return (0);
}

/* A byte count with an optional K, M or G (powers of 1024), saturating
 * short of UINT64_MAX, which stands for no limit. */
int
parse_size(const char *s, uint64_t *bytes)
{
	uint64_t	n, mul = 1;
	const char	*p;

	if ((p = parse_digits(s, &n)) == s)
		return (-1);
	if (*p == 'K' || *p == 'k')
		mul = 1024;
	else if (*p == 'M' || *p == 'm')
		mul = 1024 * 1024;
	else if (*p == 'G' || *p == 'g')
		mul = 1024 * 1024 * 1024;
	if (mul > 1)
		p++;
	if (*p != '\0')
		return (-1);
	*bytes = n > (UINT64_MAX - 1) / mul ? UINT64_MAX - 1 : n * mul;
	return (0);
}

/*
 * A signal name (TERM, SIGTERM, any case; RTMIN+N, RTMAX-N) or number; -1
 * if none.
 */
int
parse_signal(const char *s)
{
	char	*end;
	long	 n = 0;
	size_t	 i;
	int	 max;

	if (isdigit((unsigned char)*s)) {
		n = strtol(s, &end, 10);
		if (*end != '\0' || n < 1 || n >= NSIG)
			return (-1);
		return ((int)n);
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; i < sizeof signals / sizeof signals[0]; i++)
		if (strcasecmp(s, signals[i].name) == 0)
			return (signals[i].signo);
	max = strncasecmp(s, "RTMAX", 5) == 0;
	if (!max && strncasecmp(s, "RTMIN", 5) != 0)
		return (-1);
	if (s[5] != '\0') {
		if (s[5] != (max ? '-' : '+') || !isdigit((unsigned char)s[6]))
			return (-1);
		n = strtol(s + 6, &end, 10);
		if (*end != '\0' || n > SIGRTMAX - SIGRTMIN)
			return (-1);
	}
	return ((int)(max ? SIGRTMAX - n : SIGRTMIN + n));
}

/* "SIGTERM", "SIGRTMIN+2", or "SIG99" for one without a name; returns
 * buf. */
const char *
signal_name(int signo, char *buf, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof signals / sizeof signals[0]; i++)
		if (signals[i].signo == signo) {
			snprintf(buf, len, "SIG%s", signals[i].name);
			return (buf);
		}
	if (signo == SIGRTMIN)
		snprintf(buf, len, "SIGRTMIN");
	else if (signo == SIGRTMAX)
		snprintf(buf, len, "SIGRTMAX");
	else if (signo > SIGRTMIN && signo - SIGRTMIN <= SIGRTMAX - signo)
		snprintf(buf, len, "SIGRTMIN+%d", signo - SIGRTMIN);
	else if (signo > SIGRTMIN && signo < SIGRTMAX)
		snprintf(buf, len, "SIGRTMAX-%d", SIGRTMAX - signo);
	else
		snprintf(buf, len, "SIG%d", signo);
	return (buf);
}

/* Write ns in the largest units that fit: "1m30s", "0.5s", "1h", "1d2h". */
void
format_duration(int64_t ns, char *buf, size_t len)
{
	static const int64_t	 div[] = { NS_PER_DAY, NS_PER_HOUR, NS_PER_MIN };
	static const char	 unit[] = "dhm";
	char			 frac[16] = "";
	size_t			 i, off = 0;
	int			 n;

	buf[0] = '\0';
	for (i = 0; i < 3; i++) {
		if (ns < div[i])
			continue;
		n = snprintf(buf + off, len - off, "%" PRId64 "%c",
		    ns / div[i], unit[i]);
		if (n < 0 || (size_t)n >= len - off)
			return;
		off += n;
		ns %= div[i];
	}
	if (ns == 0 && off > 0)
		return;
	if (ns % NS_PER_S != 0) {
		snprintf(frac, sizeof frac, ".%09" PRId64, ns % NS_PER_S);
		for (n = (int)strlen(frac); frac[n - 1] == '0'; n--)
			frac[n - 1] = '\0';
	}
	snprintf(buf + off, len - off, "%" PRId64 "%ss", ns / NS_PER_S, frac);
}
