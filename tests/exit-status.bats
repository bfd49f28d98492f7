#!/usr/bin/env bats
# What tmrun exits with.

load helpers

@test "the command's own exit status is passed on" {
	local s
	for s in 0 1 3 42 123 124 125 126 127 200 255; do
		run -"$s" tm sh -c "exit $s"
	done
}

@test "a command killed by a signal gives 128+N" {
	run -138 tm sh -c 'kill -USR1 $$'
	run -137 tm sh -c 'kill -KILL $$'
}

@test "-v ends with how the command ended, when, and tmrun's exit status" {
	run -3 --separate-stderr tm -v sh -c 'exit 3'
	[[ "${stderr_lines[-1]}" =~ ^"tmrun: command exited with status 3 after "[0-9]+\.[0-9]{3}"s; exit status 3"$ ]]
	run -124 --separate-stderr tm -v -t 0.2 sleep 10
	[[ "${stderr_lines[-1]}" =~ ^"tmrun: command killed by SIGTERM after "[0-9]+\.[0-9]{3}"s (timed out); exit status 124"$ ]]
}

@test "-v times the command's exit, not the end of what it left running" {
	run -0 --separate-stderr tm -v -k 3 -- sh -c \
	    '(trap "" TERM; exec sleep 30) & exit 0'
	[[ "${stderr_lines[-1]}" =~ ^"tmrun: command exited with status 0 after "([0-9]+)\.[0-9]{3}"s; exit status 0"$ ]]
	[ "${BASH_REMATCH[1]}" -lt 2 ]
}

@test "a timeout gives 124" {
	run -124 tm -t 0.2 sleep 10
}

@test "--preserve-status gives the command's status on timeout" {
	run -143 tm --preserve-status -t 0.2 sleep 10
	run -137 tm --preserve-status -t 0.2 -s KILL sleep 10
	run -7 tm --preserve-status -t 1 sh -c 'trap "exit 7" TERM; sleep 10 & wait'
}

@test "a command that is not found gives 127 and one line" {
	run -127 --separate-stderr tm -- no-such-command-tmrun arg
	[ "$stderr" = "tmrun: no-such-command-tmrun: No such file or directory" ]
	[ -z "$output" ]
	run -127 --separate-stderr tm ./no/such/path
	[ "$stderr" = "tmrun: ./no/such/path: No such file or directory" ]
}

@test "an empty command gives 127" {
	run -127 --separate-stderr tm ''
	[ "$stderr" = "tmrun: '': No such file or directory" ]
}

@test "a script whose #! interpreter is missing gives 127" {
	printf '#!/no/such/interpreter\necho hi\n' >"$T/script"
	chmod +x "$T/script"
	run -127 --separate-stderr tm "$T/script"
	[ "$stderr" = "tmrun: $T/script: No such file or directory" ]
}

@test "a directory gives 126" {
	run -126 --separate-stderr tm "$T"
	[ "$stderr" = "tmrun: $T: Permission denied" ]
}

@test "a file without exec permission gives 126" {
	printf 'echo hi\n' >"$T/noexec"
	chmod 644 "$T/noexec"
	run -126 --separate-stderr tm "$T/noexec"
	[ "$stderr" = "tmrun: $T/noexec: Permission denied" ]
	[ -z "$output" ]
}

@test "a usage error gives 125" {
	run -125 tm --no-such-option true
}
