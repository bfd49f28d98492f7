#!/usr/bin/env bats
# The duration grammar of -t and -k.

load helpers

@test "good durations are accepted" {
	run -0 tm -t 1h30m -k 2m30.5s true
	local d
	for d in 0 5 1.5 .5 5. 250ms 2s 1m 1h 1d 1h30m 2m30.5s 1d2h3m4s5ms \
	    007 0.000000000001 99999999999999999999999999d; do
		run -0 --separate-stderr tm -k "$d" true
		[ -z "$stderr" ] || { echo "rejected: $d"; return 1; }
	done
}

@test "bad durations are a usage error, exit 125" {
	local d
	for d in '' -1 abc 5x nan inf 1e3 ' 5' '5 ' 1h30 1..5 . ms s 1hm \
	    1.5.2 +5 0x10 1s- 5sec 5S; do
		run -125 --separate-stderr tm -t "$d" true
		[ "$stderr" = "tmrun: invalid duration for --timeout: '$d' (see 'tmrun --help')" ] ||
		    { echo "accepted or misreported: '$d': $stderr"; return 1; }
	done
	run -125 --separate-stderr tm -k -2 true
	[ "$stderr" = "tmrun: invalid duration for --kill-after: '-2' (see 'tmrun --help')" ]
}

@test "units scale the number: 300ms fires, 1m does not" {
	local t0
	t0=$(now_ms)
	run -124 tm -t 300ms sleep 10
	[ "$(since_ms "$t0")" -lt 5000 ]
	run -124 tm -t 0.005m sleep 10
	run -124 tm -t 0m0.3s sleep 10
	run -0 tm -t 1m sleep 0.5
	run -0 tm -t 0.001h sleep 0.5
}

@test "-t 0 means no limit" {
	run -0 tm -t 0 sleep 0.5
}

@test "a huge duration is clamped, never wrapped into a short one" {
	run -0 tm -t 99999999999999999999999999999d sleep 0.5
	run -0 tm -t 106751d23h47m16.854775808s sleep 0.5
	run -0 tm -t 18446744073709551616ms sleep 0.5
	# 2^64 + 1 ms and 2^64 s: past the last digit that fits
	run -0 tm -t 18446744073709551617ms sleep 0.5
	run -0 tm --preserve-status -t 0.5 -s USR1 -k 18446744073709551616 \
	    sh -c 'trap "exit 0" USR1; sleep 2 & wait'
}

@test "a positive duration too small to count still is not zero" {
	# 1e-12 s rounds up to 1 ns, so the deadline fires at once.
	run -124 tm -t 0.000000000001 -k 0 sleep 10
}
