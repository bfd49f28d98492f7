# fish completion for tmrun(1)

# The words of the command to run and its arguments, if it is on the line;
# the status is 1 while options are still being typed, 2 if the word
# being typed is an option's value.
function __tmrun_command
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l value 0
    while set -q tokens[1]
        if test $value -eq 1
            set value 0
        else if test "$tokens[1]" = --
            set -e tokens[1]
            break
        else if string match -rq -- '^(-[vhVaq]*[tskio]|--timeout|--signal|--kill-after|--idle-timeout|--output|--max-output|--wait-delay)$' $tokens[1]
            set value 1 # the next word is its value
        else if not string match -q -- '-*' $tokens[1]
            break
        end
        set -e tokens[1]
    end
    test $value -eq 1; and return 2
    string escape -- $tokens
    set -q tokens[1]
end

# The command and its own arguments, completed as if typed alone.
function __tmrun_complete_command
    set -l words (__tmrun_command)
    switch $status
        case 2
            return
        case 1 # no command yet: an option is no command
            string match -q -- '-*' (commandline -ct); and return
    end
    complete --do-complete=(string join -- ' ' $words (commandline -ct))
end

set -l sigs HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM \
    TERM CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH SYS \
    STKFLT IO PWR RTMIN RTMAX
set -l opt 'not __tmrun_command >/dev/null'

complete -c tmrun -n $opt -s t -l timeout -x -d 'Deadline for the whole tree (0: none)'
complete -c tmrun -n $opt -s s -l signal -x -a "$sigs" -d 'First signal on the deadline (default TERM)'
complete -c tmrun -n $opt -s k -l kill-after -x -d 'Grace before SIGKILL (default 5s; 0: at once)'
complete -c tmrun -n $opt -s i -l idle-timeout -x -d 'Time out after this long without output'
complete -c tmrun -n $opt -s o -l output -r -F -d 'Also write stdout and stderr to FILE'
complete -c tmrun -n $opt -s a -l append -d 'With -o: append to FILE, do not truncate it'
complete -c tmrun -n $opt -s q -l quiet -d 'Do not echo the output (with -o or --output-on-failure)'
complete -c tmrun -n $opt -l output-on-failure -d 'Print the output only if the command fails'
# An optional value, only as --timestamps=FORMAT: no -r.
complete -c tmrun -n $opt -l timestamps -f -a 'iso elapsed' -d 'Prefix each line in FILE with the time'
complete -c tmrun -n $opt -l max-output -x -d 'Write at most SIZE bytes (K, M, G) to FILE'
complete -c tmrun -n $opt -l wait-delay -x -d 'Let leftover processes run this long (default 0)'
complete -c tmrun -n $opt -l keep-orphans -d 'Leave leftover processes running after --wait-delay'
complete -c tmrun -n $opt -l preserve-status -d "On timeout, exit with the command's status"
complete -c tmrun -n $opt -s v -l verbose -d 'Say on stderr what is signalled, and how it ended'
complete -c tmrun -n $opt -s h -l help -d 'Print the help and exit'
complete -c tmrun -n $opt -s V -l version -d 'Print the version and exit'

# The command, then its own arguments.
complete -c tmrun -x -a '(__tmrun_complete_command)'
