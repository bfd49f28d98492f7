#!/usr/bin/env bats
# -i: a deadline that moves with every byte of output.

load helpers

@test "-i fires on a command that goes silent" {
	local t0
	t0=$(now_ms)
	run -124 --separate-stderr tm -v -i 0.5 -- sh -c 'echo hello; sleep 30'
	[ "$output" = hello ]
	[ "$(since_ms "$t0")" -lt 4000 ]
	[ "${stderr_lines[0]}" = "tmrun: timed out after 0.5s without output (idle)" ]
}

@test "-i moves with every byte: a steady trickle runs to the end" {
	run -0 tm -i 1 -- sh -c 'for i in 1 2 3 4 5 6 7; do echo $i; sleep 0.3; done'
	[ "$(echo $output | tr -d ' ')" = 1234567 ]
}

@test "-i moves with a single byte, not only with whole lines" {
	run -0 tm -i 1 --timestamps -o "$T/log" -- sh -c \
	    'for i in 1 2 3 4 5 6 7; do printf .; sleep 0.3; done'
	[ "$output" = ....... ]
}

@test "-i counts stderr as output too" {
	run -0 tm -i 1 -- sh -c 'for i in 1 2 3 4 5 6; do echo $i >&2; sleep 0.3; done'
}

@test "-i and -t together: whichever comes first" {
	run -124 --separate-stderr tm -v -t 0.5 -i 10 -- sleep 30
	[ "${stderr_lines[0]}" = "tmrun: timed out after 0.5s (deadline)" ]
}
