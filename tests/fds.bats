#!/usr/bin/env bats
# Descriptors: the command sees exactly what tmrun inherited (G6).

load helpers

@test "the command sees exactly the descriptors tmrun inherited" {
	local want
	want=$(timeout 60 sh -c 'cd /proc/$$/fd && echo *' 3>&- 5</dev/null 7>>"$T/seven")
	run -0 tm -t 30 -- sh -c 'cd /proc/$$/fd && echo *' 5</dev/null 7>>"$T/seven"
	[ "$output" = "$want" ]
	[[ " $output " == *" 5 "* ]]
	[[ " $output " == *" 7 "* ]]
}

@test "a descriptor passed by the caller still works in the command" {
	run -0 tm -- sh -c 'echo through five >&5' 5>"$T/five"
	[ "$(cat "$T/five")" = "through five" ]
}

@test "stdin, stdout and stderr that start closed are /dev/null for the command" {
	timeout 60 "$TMRUN" -- sh -c \
	    'l=$(readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2); echo "$l" >"$0/links"' "$T" \
	    <&- >&- 2>&- 3>&-
	[ "$(cat "$T/links")" = "$(printf '/dev/null\n/dev/null\n/dev/null')" ]
}

@test "the command reads tmrun's stdin" {
	run -0 tm -- cat <<<"from stdin"
	[ "$output" = "from stdin" ]
}

@test "with capture the command sees the same descriptor numbers" {
	local want
	want=$(timeout 60 sh -c 'cd /proc/$$/fd && echo *' 3>&- 5</dev/null)
	run -0 tm -o "$T/log" -- sh -c 'cd /proc/$$/fd && echo *' 5</dev/null
	[ "$output" = "$want" ]
}
