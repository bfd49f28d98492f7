#!/usr/bin/env bats
# The log file: creation, append, errors, timestamps, --max-output.

load helpers

@test "-o creates the log 0666 less the umask and truncates it" {
	echo old-and-longer >"$T/log"
	(umask 027; tm -o "$T/new" -- echo hi)
	[ "$(stat -c %a "$T/new")" = 640 ]
	tm -o "$T/log" -- echo hi
	[ "$(cat "$T/log")" = hi ]
}

@test "-a appends to the log" {
	echo first >"$T/log"
	tm -a -o "$T/log" -- echo second
	[ "$(cat "$T/log")" = "$(printf 'first\nsecond')" ]
}

@test "an unwritable log is exit 125 and the command never runs" {
	run -125 --separate-stderr tm -o "$T/no/such/dir/log" -- touch "$T/ran"
	[ "$stderr" = "tmrun: $T/no/such/dir/log: No such file or directory" ]
	[ ! -e "$T/ran" ]
	run -125 tm -o "$T" -- touch "$T/ran"
	[ ! -e "$T/ran" ]
	run -125 --separate-stderr tm -o '' -- touch "$T/ran"
	[ "$stderr" = "tmrun: '': No such file or directory" ]
	[ ! -e "$T/ran" ]
}

@test "a log write error is one warning; echo goes on; the command's status" {
	run -3 --separate-stderr tm -o /dev/full -- sh -c 'echo one; echo two; exit 3'
	[ "$output" = "$(printf 'one\ntwo')" ]
	[ "$stderr" = "tmrun: /dev/full: cannot write the log: No space left on device" ]
	# Also with a last line --timestamps holds to the end.
	run -0 --separate-stderr tm --timestamps -o /dev/full -- printf 'a\nb'
	[ "$stderr" = "tmrun: /dev/full: cannot write the log: No space left on device" ]
}

@test "after a log write error, a shared echo keeps the order of the writes" {
	tm -o /dev/full -- sh -c 'echo a; sleep 0.1; for i in 1 2 3; do
	    echo x; echo y >&2; sleep 0.1; done' 2>&1 | grep -v '^tmrun:' >"$T/echo"
	cmp "$T/echo" <(printf '%s\n' a x y x y x y)
}

@test "a full disk is one warning; echo and supervision go on" {
	local rc=0
	[ "$(id -u)" -eq 0 ] || skip "mounting a small tmpfs needs root"
	mkdir "$T/mnt"
	mount -t tmpfs -o size=64k tmpfs "$T/mnt" || skip "cannot mount a tmpfs"
	tm -o "$T/mnt/log" -- sh -c 'seq 100000; echo done >&2; exit 4' \
	    >"$T/echo" 2>"$T/err" || rc=$?
	umount "$T/mnt"
	[ "$rc" -eq 4 ]
	cmp "$T/echo" <(seq 100000)
	[ "$(cat "$T/err")" = "$(printf '%s\n' "tmrun: $T/mnt/log: cannot write the log: No space left on device" done)" ]
}

@test "--timestamps onto a full disk: one warning; echo and the status go on" {
	local rc=0
	[ "$(id -u)" -eq 0 ] || skip "mounting a small tmpfs needs root"
	mkdir "$T/mnt"
	mount -t tmpfs -o size=1m tmpfs "$T/mnt" || skip "cannot mount a tmpfs"
	# Some 8 MB of stamped lines: many buffers after the first failed one.
	tm --timestamps=elapsed -o "$T/mnt/log" -- \
	    sh -c 'seq 600000; echo done >&2; exit 4' >"$T/echo" 2>"$T/err" || rc=$?
	umount "$T/mnt"
	[ "$rc" -eq 4 ]
	cmp "$T/echo" <(seq 600000)
	[ "$(cat "$T/err")" = "$(printf '%s\n' "tmrun: $T/mnt/log: cannot write the log: No space left on device" done)" ]
}

@test "--timestamps --max-output: the marker ends the log, after every kept line" {
	local size
	# Cut 5 bytes short of the whole: the last lines are on their way to
	# the file when the marker is written.  Stamps are 7 bytes long here.
	run -0 tm -q --timestamps=elapsed -o "$T/whole" -- seq 700000
	size=$(stat -c %s "$T/whole")
	run -0 tm -q --timestamps=elapsed --max-output=$((size - 5)) -o "$T/log" -- seq 700000
	[ "$(tail -n 1 "$T/log")" = "[tmrun: --max-output: 5 bytes dropped]" ]
	head -n -2 "$T/log" | LC_ALL=C sed -E 's/^\+[0-9]+\.[0-9]{3} //' |
	    cmp - <(seq 699999)
}

@test "--timestamps: a line that was echoed is in the log" {
	local i cpu
	cpu=$(first_cpu) || skip "no taskset"
	# One CPU, tmrun niced: the reader runs as soon as the echo wakes it.
	for i in 1 2 3 4 5; do
		rm -f "$T/log"
		taskset -c "$cpu" nice -n 19 "$TMRUN" --timestamps -o "$T/log" -- \
		    sh -c 'echo ready; sleep 0.05' 3>&- |
		    { taskset -p -c "$cpu" "$BASHPID" >/dev/null; read -r _
		      [ -s "$T/log" ] && echo yes; cat >/dev/null; } >"$T/seen"
		[ "$(cat "$T/seen")" = yes ]
		grep -q ' ready$' "$T/log"
	done
}

# full_disk SIZE FILE: with a SIZE tmpfs for the log, a command that writes
# FILE in one write and waits; the warning must come while it waits.
full_disk() {
	mount -t tmpfs -o size="$1" tmpfs "$T/mnt" || skip "cannot mount a tmpfs"
	rm -f "$T/go"
	tm_bg --timestamps=elapsed -o "$T/mnt/log" -- sh -c \
	    'dd if="$1" bs=256k count=1 status=none
	    until [ -e "$0" ]; do sleep 0.05; done' "$T/go" "$2"
	wait_file "$T/err" 10 || { touch "$T/go"; tm_wait; umount "$T/mnt"; false; }
	touch "$T/go"
	tm_wait
	umount "$T/mnt"
	[ "$bg_status" -eq 0 ]
	[ "$(cat "$T/err")" = "tmrun: $T/mnt/log: cannot write the log: No space left on device" ]
}

@test "--timestamps onto a full disk: the warning comes when the write fails" {
	[ "$(id -u)" -eq 0 ] || skip "mounting a small tmpfs needs root"
	mkdir "$T/mnt"
	# 14 KB, 35 KB stamped: written in place.
	seq 3000 >"$T/in"
	full_disk 32k "$T/in"
	# 256 KiB, which one read takes whole: 2 MiB stamped, written by a
	# thread; room for all but the last buffer handed over.
	head -c 262144 /dev/zero | tr '\0' '\n' >"$T/in"
	full_disk 1800k "$T/in"
}

@test "--timestamps: a burst that was echoed is in the log" {
	local i cpu
	cpu=$(first_cpu) || skip "no taskset"
	# One write of 256 KiB newlines, which one read takes whole: 2 MiB of
	# log, written by a thread of tmrun's.
	head -c 262144 /dev/zero | tr '\0' '\n' >"$T/in"
	for i in 1 2 3 4 5; do
		rm -f "$T/log"
		taskset -c "$cpu" nice -n 19 "$TMRUN" --timestamps=elapsed \
		    -o "$T/log" -- sh -c 'dd if="$0" bs=256k count=1 status=none
		    sleep 0.5' "$T/in" 3>&- |
		    { taskset -p -c "$cpu" "$BASHPID" >/dev/null
		      head -c 262144 >/dev/null; stat -c %s "$T/log"
		      cat >/dev/null; } >"$T/seen"
		[ "$(cat "$T/seen")" -eq $((262144 * 8)) ]
	done
}

@test "--timestamps: when poll fails, the log still gets every line echoed" {
	local p cpu
	grep -q __asan_init "$TMRUN" && skip "the sanitizers' runtime opens files at exit"
	command -v prlimit >/dev/null || skip "no prlimit"
	tm_bg -t 20 --timestamps=elapsed -o "$T/log" -- sh -c \
	    'i=0; while [ $i -lt 40 ]; do seq 1000000; i=$((i + 1)); done'
	p=$(cat "$T/tmrun.pid")
	wait_file "$T/log"
	# Fewer descriptors allowed than tmrun polls: poll says EINVAL.  On
	# one CPU, the log's writes are behind when that ends the run.
	if cpu=$(first_cpu); then taskset -a -p -c "$cpu" "$p" >/dev/null; fi
	prlimit --pid "$p" --nofile=2:2
	tm_wait
	[ "$bg_status" -eq 125 ]
	[ "$(cat "$T/err")" = "tmrun: poll: Invalid argument" ]
	LC_ALL=C sed -E 's/^\+[0-9]+\.[0-9]{3} //' "$T/log" | cmp - "$T/out"
}

# The number of tasks user $u runs.
user_tasks() { ps -eLo ruid= | grep -cx " *$u" || true; }

# as_user LIMIT LOG: a short command that forks, under tmrun --timestamps
# -o LOG, as user $u allowed LIMIT processes, once what the last run left
# exiting (a watcher) is gone; prints its output.
as_user() {
	local i
	for ((i = 0; i < 40 && $(user_tasks) > n; i++)); do sleep 0.05; done
	bash -c 'exec 5>"$1"; shift; exec "$@"' _ "$T/log" \
	    setpriv --reuid="$u" --regid="$u" --clear-groups \
	    prlimit --nproc="$1" timeout 20 "$TMRUN" --timestamps -o "$2" -- \
	    sh -c 'echo a; i=0
	    while [ $i -lt 100000 ]; do i=$((i + 1)); done	# no fork meanwhile
	    /bin/true && echo forked' 2>&1
}

@test "--timestamps with little output takes none of the command's process slots" {
	local n k=3 u=$((50000 + RANDOM % 10000))	# a user of the test's own
	[ "$(id -u)" -eq 0 ] || skip "running as another user needs root"
	command -v setpriv >/dev/null || skip "no setpriv"
	command -v prlimit >/dev/null || skip "no prlimit"
	: >"$T/log"
	chmod 666 "$T/log"
	# The fewest processes it takes logging to /dev/null (never by a
	# thread); a log file needs no more.
	n=$(user_tasks)
	until [ "$(as_user $((n + k)) /dev/null)" = "$(printf 'a\nforked')" ]; do
		k=$((k + 1))
		[ "$k" -lt 8 ]
	done
	[ "$(as_user $((n + k)) /dev/fd/5)" = "$(printf 'a\nforked')" ]
	[ "$(sed 's/^[^ ]* //' "$T/log")" = "$(printf 'a\nforked')" ]
}

@test "--timestamps prefixes each log line with a UTC time, milliseconds" {
	run -0 --separate-stderr tm --timestamps -o "$T/log" -- sh -c 'echo one; echo two >&2'
	[ "$output" = one ]
	[ "$stderr" = two ]
	[ "$(wc -l <"$T/log")" -eq 2 ]
	grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z one$' "$T/log"
	grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z two$' "$T/log"
	# The stamp is the time now in UTC, whatever the local zone.
	TZ=XXX-11 tm --timestamps -o "$T/log" -- echo now
	[ $(($(date -d "$(cut -c1-23 "$T/log")" +%s) - $(date +%s))) -le 0 ]
	[ $(($(date -d "$(cut -c1-23 "$T/log")" +%s) - $(date +%s))) -gt -10 ]
}

@test "--timestamps=elapsed gives seconds since the start" {
	run -0 tm --timestamps=elapsed -o "$T/log" -- sh -c 'echo one; sleep 0.3; echo two'
	grep -qE '^\+[0-9]+\.[0-9]{3} one$' "$T/log"
	grep -qE '^\+[0-9]+\.[0-9]{3} two$' "$T/log"
	awk '{t[$2] = substr($1, 2)} END {
		exit !(t["one"] < 1 && t["two"] - t["one"] >= 0.2) }' "$T/log"
	run -125 tm --timestamps=local -o "$T/log" true
}

@test "--timestamps keeps a partial stdout line and a stderr line apart" {
	run -0 tm --timestamps=elapsed -o "$T/log" -- sh -c \
	    'printf part; sleep 0.1; echo err >&2
	    until grep -q err "$0"; do sleep 0.01; done; echo ial; printf tail' "$T/log"
	[ "$(sed -E 's/^\+[0-9]+\.[0-9]{3} //' "$T/log")" = "$(printf 'err\npartial\ntail')" ]
	[ "$(grep -c '^+' "$T/log")" -eq 3 ]
}

@test "--timestamps: unended last lines are logged in the order they began" {
	run -0 tm -q --timestamps=elapsed -o "$T/log" -- sh -c \
	    'printf e >&2; sleep 0.5; printf o'
	sed -E 's/^\+[0-9]+\.[0-9]{3} //' "$T/log" | cmp - <(printf 'e\no')
}

@test "--max-output cuts the log and says how many bytes were dropped" {
	run -0 tm --max-output=1001 -o "$T/log" -- seq 1000
	[ "$(echo "$output" | wc -l)" -eq 1000 ]
	head -c 1001 <(seq 1000) >"$T/want"
	# 3893 bytes of output, 1001 kept; the cut is mid-line, so a newline first.
	printf '\n[tmrun: --max-output: 2892 bytes dropped]\n' >>"$T/want"
	cmp "$T/want" "$T/log"
	# 1K = 1024 ends on a line: the marker follows directly.
	run -0 tm --max-output=1K -o "$T/log" -- seq 1000
	[ "$(tail -n 1 "$T/log")" = "[tmrun: --max-output: 2869 bytes dropped]" ]
	[ "$(stat -c %s "$T/log")" -eq $((1024 + 42)) ]
}

@test "-a --max-output: the marker starts a line after an unended last line" {
	printf partial >"$T/log"
	run -0 tm -a --max-output=0 -o "$T/log" -- echo hi
	[ "$output" = hi ]
	cmp "$T/log" <(printf 'partial\n[tmrun: --max-output: 3 bytes dropped]\n')
}

@test "-v with stderr the log: the summary comes after the log's last bytes" {
	tm -v --max-output=4 -o "$T/log" -- sh -c 'echo one; echo two' \
	    2>"$T/log"
	[ "$(sed -n 2p "$T/log")" = "[tmrun: --max-output: 4 bytes dropped]" ]
	[ "$(sed -n '3s/ after .*//p' "$T/log")" = "tmrun: command exited with status 0" ]
	# A last line held for its end is written before the summary too,
	# which starts a line of its own.
	tm -v --timestamps -o "$T/log" -- sh -c 'echo one; printf two' \
	    2>"$T/log"
	[[ "$(sed -n 2p "$T/log")" = *"Z two" ]]
	[ "$(sed -n '3s/ after .*//p' "$T/log")" = "tmrun: command exited with status 0" ]
	# What the caller writes next comes after the summary, not over it.
	{ echo before; tm -v -a -o "$T/log" -- echo mid; echo after; } \
	    >"$T/log" 2>&1
	[ "$(sed 's/ after .*//' "$T/log")" = "$(printf '%s\n' before mid \
	    "tmrun: command exited with status 0" after)" ]
}

@test "stderr the log: tmrun's messages start lines of their own" {
	printf old >"$T/log"
	tm -a -v -t 1 --timestamps=elapsed -o "$T/log" -- sh -c \
	    'printf x; printf y >&2; sleep 30' >>"$T/log" 2>&1 || true
	# Nothing glued to "old", no empty line, the held lines after.
	sed -E 's/^\+[0-9]+\.[0-9]{3} /+ /; s/ after .*//
	    s/to [0-9]+ process(es)?$/to N/' "$T/log" >"$T/got"
	[ "$(cat "$T/got")" = "$(printf '%s\n' old \
	    "tmrun: timed out" \
	    "tmrun: sent SIGTERM to N" "+ x" "+ y" \
	    "tmrun: command killed by SIGTERM")" ]
	tm -v -o "$T/log" -- sh -c 'printf a; kill -USR1 $$' 2>"$T/log" || true
	[ "$(sed 's/ after .*//' "$T/log")" = "$(printf '%s\n' a \
	    "tmrun: command killed by SIGUSR1")" ]
	# Also when the log takes splice: stderr only reads it, so tmrun
	# writes the log through a descriptor of its own.
	tm -v -o "$T/log" -- printf a 2<"$T/log" | cat >/dev/null
	[ "$(sed 's/ after .*//' "$T/log")" = "$(printf '%s\n' a \
	    "tmrun: command exited with status 0")" ]
}

@test "a stdout or stderr that is the log file itself gets nothing twice" {
	local rc=0
	tm -a -o "$T/log" -- sh -c 'echo one; echo two >&2' >>"$T/log" 2>&1
	cmp "$T/log" <(printf 'one\ntwo\n')
	tm -o "$T/log" -- sh -c 'echo three; echo four' >"$T/log"
	cmp "$T/log" <(printf 'three\nfour\n')
	# tmrun's own lines to that stderr come after, over nothing; so does
	# what the caller writes there next.
	tm -v -o "$T/log" -- sh -c 'echo three; echo four' >"$T/log" 2>&1
	[ "$(head -n 2 "$T/log")" = "$(printf 'three\nfour')" ]
	[ "$(sed -n '3s/ after .*//p' "$T/log")" = "tmrun: command exited with status 0" ]
	{ tm -o "$T/log" -- echo one; echo two; } >"$T/log" 2>&1
	cmp "$T/log" <(printf 'one\ntwo\n')
	(exec 2>"$T/log"; tm -o "$T/log" -- sh -c 'echo three >&2'; echo four >&2)
	cmp "$T/log" <(printf 'three\nfour\n')
	# Nor do the log's bytes go over a message, or over what others write
	# through that descriptor meanwhile.
	tm -o "$T/log" -- sh -c 'echo a; sleep 0.3; echo b' >/dev/full 2>"$T/log"
	[ "$(grep -cx 'a\|b\|tmrun: cannot write standard output: .*' "$T/log")" -eq 3 ]
	tm -o "$T/log" -- sh -c 'echo a; sleep 0.3; echo c >&4; sleep 0.3
	    echo d' >"$T/log" 4>&1
	cmp "$T/log" <(printf 'a\nc\nd\n')
	# Also while the other stream is echoed to a file (splice takes no
	# offset lock), and with -a, which goes on appending.
	head -c 3000000 /dev/zero >"$T/big"
	tm -o "$T/log" -- sh -c 'cat "$0" >&2 & i=0
	    while [ $i -lt 3000 ]; do echo line >&4; i=$((i + 1)); done
	    wait' "$T/big" >"$T/log" 4>&1 2>"$T/err"
	[ "$(stat -c %s "$T/log")" -eq $((3000000 + 3000 * 5)) ]
	tm -a -o "$T/log" -- sh -c 'echo a; echo x >>"$0"; echo b' "$T/log" \
	    >/dev/null 2>"$T/log"
	[ "$(sort "$T/log" | tr -d '\n')" = abx ]
	# A descriptor that neither appends nor truncated: -a keeps the start.
	printf 'old\n' >"$T/log"
	tm -a -o "$T/log" -- sh -c 'echo a; sleep 0.3; echo c >&4' \
	    1<>"$T/log" 4>&1
	[ "$(head -n 1 "$T/log")" = old ]
	# Nor from --output-on-failure's replay; stdout still gets its own.
	rm "$T/log"
	tm -a --output-on-failure -o "$T/log" -- sh -c 'echo one; echo two >&2
	    exit 3' >"$T/out" 2>>"$T/log" || rc=$?
	[ "$rc" -eq 3 ]
	[ "$(cat "$T/out")" = one ]
	cmp "$T/log" <(printf 'one\ntwo\n')
}

@test "-a --max-output counts this run's bytes, not the file's" {
	seq 100 >"$T/log"
	cp "$T/log" "$T/want"
	run -0 tm -q -a --max-output=6 -o "$T/log" -- printf 'run 1\n'
	run -0 tm -q -a --max-output=6 -o "$T/log" -- printf 'run 2\nover\n'
	printf 'run 1\nrun 2\n[tmrun: --max-output: 5 bytes dropped]\n' >>"$T/want"
	cmp "$T/want" "$T/log"
}

@test "-a --timestamps: the first stamp starts a line after an unended last line" {
	printf partial >"$T/log"
	run -0 tm -a --timestamps=elapsed -o "$T/log" -- echo hi
	sed -E 's/^\+[0-9]+\.[0-9]{3} //' "$T/log" | cmp - <(printf 'partial\nhi\n')
	# An ended line gets nothing added.
	run -0 tm -a --timestamps=elapsed -o "$T/log" -- echo hi
	sed -E 's/^\+[0-9]+\.[0-9]{3} //' "$T/log" | cmp - <(printf 'partial\nhi\nhi\n')
	# The newline is not counted against --max-output: 3 lines of 9 bytes.
	printf partial >"$T/log"
	run -0 tm -q -a --timestamps=elapsed --max-output=0 -o "$T/log" -- \
	    sh -c 'echo a; sleep 0.1; echo b; sleep 0.1; echo c'
	cmp "$T/log" <(printf 'partial\n[tmrun: --max-output: 27 bytes dropped]\n')
}

@test "--max-output that is never reached adds no marker" {
	run -0 tm --max-output=1M -o "$T/log" -- seq 1000
	cmp "$T/log" <(seq 1000)
}

@test "--max-output takes K, M and G and rejects junk" {
	local s
	for s in 0 10 1k 1K 2M 1G 99999999999999999999G; do
		run -0 tm --max-output="$s" -o "$T/log" true
	done
	for s in '' -1 1T 1KB x 1.5K; do
		run -125 --separate-stderr tm --max-output="$s" -o "$T/log" true
		[ "$stderr" = "tmrun: invalid size for --max-output: '$s' (see 'tmrun --help')" ]
	done
}

@test "--timestamps: a line longer than the buffer and a stderr line stay apart" {
	run -0 tm --timestamps=elapsed -o "$T/log" -- sh -c \
	    'head -c 300000 /dev/zero | tr "\0" a; sleep 0.2; echo ERR >&2; sleep 0.2; echo'
	# Every log line has its stamp; ERR has a line of its own.
	[ "$(grep -vc '^+[0-9]*\.[0-9]\{3\} ' "$T/log")" -eq 0 ]
	grep -qx '+[0-9]*\.[0-9]\{3\} ERR' "$T/log"
	[ "$(tr -cd a <"$T/log" | wc -c)" -eq 300000 ]
}

@test "--timestamps keeps every byte of lines of every length" {
	# Empty lines, lines around word and block sizes, long ones, bytes
	# 11-255, in odd-sized writes: the log minus its stamps is the input.
	LC_ALL=C awk 'BEGIN {
		for (j = 0; j < 3400; j++) b = b sprintf("%c", 11 + j % 245)
		for (i = 0; i < 60000; i++) {
			n = i % 20 == 19 ? 3000 + i % 7 : (i * 7) % 71
			print substr(b, 1 + i % 245, n) } }' >"$T/in"
	run -0 tm -q --timestamps=elapsed -o "$T/log" -- \
	    dd if="$T/in" bs=4093 status=none
	[ "$(LC_ALL=C grep -avc '^+[0-9]*\.[0-9]\{3\} ' "$T/log")" -eq 0 ]
	LC_ALL=C sed -E 's/^\+[0-9]+\.[0-9]{3} //' "$T/log" | cmp - "$T/in"
}

@test "--timestamps: lines after one that began earlier get their own time" {
	run -0 tm --timestamps=elapsed -o "$T/log" -- \
	    sh -c 'printf a; sleep 0.3; printf "b\nc\nd\n"'
	# "ab" has the time of its first byte; c and d, 0.3 s later, their own.
	awk '{t[$2] = substr($1, 2)} END {
		exit !(t["c"] - t["ab"] >= 0.2 && t["d"] - t["ab"] >= 0.2) }' "$T/log"
}

@test "--timestamps: the rest of a line cut off by stderr has the time it came" {
	run -0 tm -q --timestamps=elapsed -o "$T/log" -- sh -c \
	    'head -c 262144 /dev/zero | tr "\0" a; sleep 0.4; printf b
	    sleep 0.4; echo E >&2; sleep 0.2; echo'
	# The a's fill the line buffer and go out; b waits; E cuts them off.
	[ "$(sed -E 's/^\+[0-9]+\.[0-9]{3} //; s/^a+$/A/' "$T/log")" = \
	    "$(printf 'A\nE\nb')" ]
	awk '{t[NR] = substr($1, 2)} END { exit !(t[3] - t[1] >= 0.3) }' "$T/log"
}

@test "--timestamps: at the end, the line the log ends in is finished first" {
	run -0 tm -q --timestamps=elapsed -o "$T/log" -- sh -c \
	    'head -c 262144 /dev/zero | tr "\0" a; sleep 0.2; printf E >&2
	    sleep 0.2; printf b'
	[ "$(sed -E 's/^\+[0-9]+\.[0-9]{3} //; s/^a+b$/Ab/' "$T/log")" = \
	    "$(printf 'Ab\nE')" ]
}

@test "a log pipe nobody reads cannot hold tmrun past the deadline and grace" {
	local opt t0 rc
	mkfifo "$T/logfifo"
	exec 5<>"$T/logfifo"	# a reader that never reads
	for opt in -q --timestamps; do
		t0=$(now_ms)
		rc=0
		tm -t 1 -k 1 "$opt" -o "$T/logfifo" -- yes >/dev/null 2>"$T/err" ||
		    rc=$?
		[ "$rc" -eq 124 ]
		[ "$(since_ms "$t0")" -lt 6000 ]
		[ "$(cat "$T/err")" = "tmrun: $T/logfifo: the log is not read in time; the rest is not logged" ]
	done
	exec 5>&-
}

@test "a log pipe nobody reads after a normal exit: the command's status, in time" {
	local t0 rc=0
	mkfifo "$T/logfifo"
	exec 5<>"$T/logfifo"	# a reader that never reads
	t0=$(now_ms)
	tm -t 1 -k 1 -o "$T/logfifo" -- sh -c 'head -c 300000 /dev/zero; exit 3' \
	    >/dev/null 2>"$T/err" || rc=$?
	exec 5>&-
	[ "$rc" -eq 3 ]
	[ "$(since_ms "$t0")" -lt 6000 ]
	grep -q "the log is not read in time" "$T/err"
}

@test "no memory for a log pipe's waiting bytes is a log failure, not the end" {
	local p vm
	grep -q __asan_init "$TMRUN" && skip "the sanitizers' allocator"
	command -v prlimit >/dev/null || skip "no prlimit"
	mkfifo "$T/logfifo"
	exec 5<>"$T/logfifo"	# a reader that never reads
	tm_bg -t 20 -o "$T/logfifo" -- sh -c 'echo >"$0.up"
	    until [ -e "$0.go" ]; do sleep 0.01; done
	    head -c 300000 /dev/zero; sleep 30 & echo $! >"$0"; exit 3' \
	    "$T/left.pid" 5<&-
	p=$(cat "$T/tmrun.pid")
	wait_file "$T/left.pid.up"
	# No more address space for tmrun alone; a whole pipe to read at once.
	vm=$(awk '/^VmSize:/ {print $2 * 1024}' "/proc/$p/status")
	prlimit --pid "$p" --as="$vm:$vm"
	kill -STOP "$p"
	touch "$T/left.pid.go"
	sleep 0.5
	kill -CONT "$p"
	tm_wait
	exec 5>&-
	[ "$bg_status" -eq 3 ]
	[ "$(cat "$T/err")" = "tmrun: $T/logfifo: cannot write the log: Cannot allocate memory" ]
	wait_gone "$(cat "$T/left.pid")" 5
}

@test "a signal during the last write to a log pipe is not called slowness" {
	mkfifo "$T/logfifo"
	exec 5<>"$T/logfifo"	# a reader that never reads
	tm_bg -o "$T/logfifo" -- sh -c 'head -c 300000 /dev/zero; echo >"$0"
	    exit 3' "$T/done"
	wait_file "$T/done"
	sleep 0.5	# tmrun has seen the exit: the last bytes wait
	kill -TERM "$(cat "$T/tmrun.pid")"
	tm_wait
	exec 5>&-
	[ "$bg_status" -eq 3 ]
	[ "$(cat "$T/err")" = "tmrun: $T/logfifo: told to stop; the rest is not logged" ]
}

@test "a slow log pipe gets every byte, the echo too" {
	local opt reader
	mkfifo "$T/logfifo"
	for opt in --max-output=1G --timestamps=elapsed; do
		# The reader opens the log at once, then is slow to read it.
		(exec <"$T/logfifo"; sleep 1; exec cat >"$T/log") &
		reader=$!
		tm -t 30 "$opt" -o "$T/logfifo" -- sh -c 'seq 300000; printf end' |
		    (sleep 0.5; cat) >"$T/echo"
		wait "$reader"
		cmp "$T/echo" <(seq 300000; printf end)
		sed -E 's/^\+[0-9]+\.[0-9]{3} //' "$T/log" |
		    cmp - <(seq 300000; printf end)
	done
}

@test "a log that is the echo's own stuck pipe cannot hold tmrun past the grace" {
	local t0
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"	# a reader that never reads
	t0=$(now_ms)
	# -o /dev/stdout opens the pipe that both echoes write to, once more.
	(timeout -s KILL 60 "$TMRUN" -t 1 -k 1 -o /dev/stdout -- \
	    sh -c 'yes >&2 & exec yes' >"$T/fifo" 2>&1 3>&- ||
	    echo $? >"$T/rc") 2>/dev/null
	exec 5>&-
	[ "$(cat "$T/rc")" -eq 124 ]
	[ "$(since_ms "$t0")" -lt 6000 ]
}

@test "stray signals while a FIFO log waits for its reader neither end nor stop tmrun" {
	local pid s end=$((SECONDS + 10))
	mkfifo "$T/logfifo"
	tm_bg -o "$T/logfifo" -- echo hi
	pid=$(cat "$T/tmrun.pid")
	until [ "$(cat "/proc/$pid/wchan" 2>/dev/null)" = wait_for_partner ]; do
		[ "$SECONDS" -lt "$end" ]
		sleep 0.02
	done
	for s in ALRM TTIN TTOU XCPU VTALRM PROF PWR RTMIN; do
		kill -"$s" "$pid"
	done
	sleep 0.2
	alive "$pid"
	[ "$(sed 's/.*) //' "/proc/$pid/stat" | cut -c1)" != T ]
	cat "$T/logfifo" >"$T/log"
	tm_wait
	[ "$bg_status" -eq 0 ]
	[ "$(cat "$T/log")" = hi ]
}
