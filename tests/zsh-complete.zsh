# zsh zsh-complete.zsh DIR OUT LINE: type LINE and Tab into an interactive
# zsh whose completions come from DIR; the matches it offers go to OUT.
zmodload zsh/zpty || exit 1
zpty z zsh -f -i
zpty -w z "fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
# Every match, as completion functions add them.
zpty -w z "compadd() { local -a m; builtin compadd -O m \"\$@\";
    print -rl -- \$m >>${(q)2}; builtin compadd \"\$@\"; }"
zpty -w z "$3"$'\t'
for i in {1..100}; do
	[[ -s $2 ]] && break
	sleep 0.1
done
sleep 0.3	# the rest of the matches
zpty -d z
