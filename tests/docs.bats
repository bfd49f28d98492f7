#!/usr/bin/env bats
# The docs are tests: every option is in --help, the man page and the
# completions, and the bash completion completes.

load helpers

S=${TMRUN_SRCDIR:-.}

long_options() { "$TMRUN" --help | grep -o -- '--[a-z][a-z-]*' | sort -u; }

@test "every option in the source is in --help" {
	local o help
	help=$("$TMRUN" --help)
	for o in $(grep -o '{ "[a-z][a-z-]*"' "$S/src/options.c" | tr -d '{ "'); do
		[[ "$help" == *"--$o"* ]] || { echo "--$o not in --help"; return 1; }
	done
}

@test "every long option in --help is in the man page and each completion" {
	local o
	for o in $(long_options); do
		grep -q -- "Fl -${o#--}" "$S/doc/tmrun.1" ||
		    { echo "$o not in the man page"; return 1; }
		grep -q -- "$o" "$S/completions/tmrun" || { echo "$o not in bash"; return 1; }
		grep -q -- "$o" "$S/completions/_tmrun" || { echo "$o not in zsh"; return 1; }
		grep -qE -- "-l ${o#--}( |$)" "$S/completions/tmrun.fish" ||
		    { echo "$o not in fish"; return 1; }
	done
}

@test "the man page is clean mdoc" {
	run -0 mandoc -T lint -W warning "$S/doc/tmrun.1"
	[ -z "$output" ]
}

@test "the man page's footer names this version, not BSD" {
	grep -qx ".Os $("$TMRUN" -V)" "$S/doc/tmrun.1"
}

# complete WORD...: what the bash completion offers for the last word.
complete_words() {
	bash --norc --noprofile -c '
	    source "$0"
	    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
	    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
	    _tmrun tmrun "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
	    printf "%s\n" "${COMPREPLY[@]}"' "$S/completions/tmrun" "$@"
}

@test "bash completes long options" {
	run -0 complete_words tmrun --timeo
	[ "$output" = "--timeout=" ]
	run -0 complete_words tmrun --preserve
	[ "$output" = "--preserve-status" ]
}

@test "bash completes signal names after -s" {
	run -0 complete_words tmrun -s ""
	[[ "$output" == *TERM* ]]
	[[ "$output" == *KILL* ]]
}

@test "bash completes the command word with commands" {
	run -0 complete_words tmrun -t 5 ech
	[[ "$output" == *echo* ]]
	# Values joined to their option, alone or in a cluster, take no word.
	run -0 complete_words tmrun -vt5s ech
	[[ "$output" == *echo* ]]
	run -0 complete_words tmrun -qo/tmp/log -vs TE
	[ "$output" = TERM ]
	run -0 complete_words tmrun -vs TERM ech
	[[ "$output" == *echo* ]]
}

# fish_complete LINE: what the fish completion offers at the end of LINE.
fish_complete() {
	fish -N -c 'source $argv[1]; complete -C$argv[2]' \
	    "$S/completions/tmrun.fish" "$1" | cut -f1
}

@test "fish completes the command after options, clusters and --" {
	command -v fish >/dev/null || skip "fish is not installed"
	local line
	for line in 'tmrun -vt 5 ech' 'tmrun -vt5 ech' 'tmrun -- ech' 'tmrun ech'; do
		run -0 fish_complete "$line"
		[[ "$output" == *echo* ]] || { echo "$line: $output"; return 1; }
	done
	run -0 fish_complete 'tmrun -vt '	# a value: no command
	[ -z "$output" ]
	run -0 fish_complete 'tmrun --timeo'
	[ "$output" = --timeout ]
	run -0 fish_complete 'tmrun -vs TE'
	[ "$output" = TERM ]
}

# zsh_complete LINE: what the zsh completion offers at the end of LINE.
zsh_complete() {
	rm -f "$T/zsh.out"
	zsh -f "$S/tests/zsh-complete.zsh" "$S/completions" "$T/zsh.out" "$1"
	grep . "$T/zsh.out" | sort -u
}

@test "zsh completes the command after options, clusters and --" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	local line
	for line in 'tmrun -vt 5 ech' 'tmrun -- ech' 'tmrun -v -- ech'; do
		run -0 zsh_complete "$line"
		[[ "$output" == *echo* ]] || { echo "$line: $output"; return 1; }
	done
	run -0 zsh_complete 'tmrun --timeo'
	[ "$output" = --timeout ]
}
