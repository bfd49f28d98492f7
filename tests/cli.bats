#!/usr/bin/env bats
# The command line: help, version, usage errors, where options end.

load helpers

@test "--help prints the usage on stdout and exits 0" {
	run -0 --separate-stderr tm --help
	[ "${lines[0]}" = "usage: tmrun [OPTION]... [--] COMMAND [ARG]..." ]
	[ -z "$stderr" ]
	run -0 tm -h
	[ "${lines[0]}" = "usage: tmrun [OPTION]... [--] COMMAND [ARG]..." ]
}

@test "--help and --version onto a full stdout say so and exit 125" {
	run -125 --separate-stderr sh -c '"$TMRUN" --help >/dev/full'
	[ "$stderr" = "tmrun: write error: No space left on device" ]
	run -125 --separate-stderr sh -c '"$TMRUN" --version >/dev/full'
	[ "$stderr" = "tmrun: write error: No space left on device" ]
}

@test "--version prints the name and version" {
	run -0 --separate-stderr tm --version
	[[ "$output" =~ ^tmrun\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	run -0 tm -V
	[[ "$output" =~ ^tmrun\  ]]
}

@test "an unknown option is one line on stderr and exit 125" {
	run -125 --separate-stderr tm --frobnicate true
	[ "$stderr" = "tmrun: unknown option '--frobnicate' (see 'tmrun --help')" ]
	[ -z "$output" ]
	run -125 --separate-stderr tm -x true
	[ "$stderr" = "tmrun: unknown option '-x' (see 'tmrun --help')" ]
	# Inside a cluster, and after options with values: still the letter.
	run -125 --separate-stderr tm -t 5 -xv true
	[ "$stderr" = "tmrun: unknown option '-x' (see 'tmrun --help')" ]
	run -125 --separate-stderr tm -vx true
	[ "$stderr" = "tmrun: unknown option '-x' (see 'tmrun --help')" ]
}

@test "an ambiguous long option, or one given a value it takes none of, says so" {
	run -125 --separate-stderr tm --out="$T/log" touch "$T/ran"
	[ "$stderr" = "tmrun: option '--out' is ambiguous: --output, --output-on-failure (see 'tmrun --help')" ]
	run -125 --separate-stderr tm --verb=1 touch "$T/ran"
	[ "$stderr" = "tmrun: option '--verbose' takes no value (see 'tmrun --help')" ]
	run -125 --separate-stderr tm --keep-orphans=yes touch "$T/ran"
	[ "$stderr" = "tmrun: option '--keep-orphans' takes no value (see 'tmrun --help')" ]
	[ ! -e "$T/ran" ]
	# A prefix that is one option's alone is that option.
	run -0 tm --timeo=5 --verb true
}

@test "an option without its value is exit 125" {
	run -125 --separate-stderr tm -t
	[ "$stderr" = "tmrun: option '-t' needs a value (see 'tmrun --help')" ]
	run -125 --separate-stderr tm -vt
	[ "$stderr" = "tmrun: option '-t' needs a value (see 'tmrun --help')" ]
	run -125 --separate-stderr tm --signal
	[ "$stderr" = "tmrun: option '--signal' needs a value (see 'tmrun --help')" ]
}

@test "no command is exit 125" {
	run -125 --separate-stderr tm -t 5
	[ "$stderr" = "tmrun: no command given (see 'tmrun --help')" ]
	run -125 --separate-stderr tm --
	[ "$stderr" = "tmrun: no command given (see 'tmrun --help')" ]
}

@test "options end at the command: its own options reach it" {
	run -0 --separate-stderr tm echo -t 5 -v
	[ "$output" = "-t 5 -v" ]
	[ -z "$stderr" ]
	run -0 tm -- printf '%s\n' --help
	[ "$output" = "--help" ]
}

@test "the command runs directly, not through a shell" {
	run -0 tm echo '$HOME' '*' '; false'
	[ "$output" = '$HOME * ; false' ]
}

@test "a usage error starts nothing" {
	run -125 tm -t 5x -- touch "$T/ran"
	[ ! -e "$T/ran" ]
	run -125 tm -s NOPE -- touch "$T/ran"
	[ ! -e "$T/ran" ]
}

@test "control bytes in a quoted argument are escaped" {
	run -125 --separate-stderr tm -t $'1\n2\x01' true
	[ "$stderr" = "tmrun: invalid duration for --timeout: '1\\n2\\x01' (see 'tmrun --help')" ]
}
