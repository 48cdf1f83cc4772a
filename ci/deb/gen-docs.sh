#!/bin/sh
# Generates the man page and the bash and zsh completions from what the
# program itself says: the command list and usage lines of `reconciler
# help` (main.c's command table) and the getopt tables of
# reconciler/cmd/NAME.c. Run at build time (make docs, make deb), so the
# three can never disagree with --help.
#
#   sh ci/deb/gen-docs.sh BIN SRCDIR OUTDIR
#
# Writes OUTDIR/reconciler.1, OUTDIR/reconciler.bash, OUTDIR/_reconciler.
set -eu
BIN=$1
SRC=$2
OUT=$3
mkdir -p "$OUT"

commands=$("$BIN" help | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}')
[ -n "$commands" ] || { echo "gen-docs: no commands in '$BIN help'" >&2; exit 1; }
version=$("$BIN" version | awk '{print $2}')

# options CMD: one "NAME ARG" line per long option (ARG: 1 takes a value,
# 0 does not), from the getopt table and the usage line, --help last.
options() {
	{
		[ -f "$SRC/reconciler/cmd/$1.c" ] &&
			sed -n 's/^[[:space:]]*{ "\([a-z][a-z-]*\)", \(required\|no\)_argument,.*/\1 \2/p' \
				"$SRC/reconciler/cmd/$1.c" | sed 's/ required$/ 1/; s/ no$/ 0/'
		"$BIN" help "$1" | awk '/^$/ {exit} {print}' |
			grep -o -- '--[a-z][a-z-]*\( [A-Z][A-Z]*\| [a-z|]*|[a-z|]*\)\?' |
			awk '{print substr($1, 3), (NF > 1 ? 1 : 0)}'
	} | awk '!seen[$1]++' | grep -v '^help ' || true
}
# values CMD OPT: the choices the usage line lists (--format text|json).
values() {
	"$BIN" help "$1" | awk '/^$/ {exit} {print}' |
		grep -o -- "--$2 [a-z]*|[a-z|]*" | head -1 | sed "s/^--$2 //; s/|/ /g" || true
}
global_values=$("$BIN" help | grep -o -- '--log-format [a-z|]*' | head -1 | sed 's/^--log-format //; s/|/ /g')

# ---- man page --------------------------------------------------------------
# dash's echo would read the backslashes of roff: every line goes through printf.
say() { printf '%s\n' "$*"; }
roff() { sed 's/\\/\\e/g; s/^\([.'"'"']\)/\\\&\1/; s/-/\\-/g'; }
{
	say ".TH RECONCILER 1 \"\" \"reconciler $version\" \"User Commands\""
	say ".SH NAME"
	say "reconciler \\- GitOps for LiveRamp to Kargo audience distributions"
	say ".SH SYNOPSIS"
	say ".B reconciler"
	say ".I command"
	say "[\\fIoptions\\fR] [\\fIPATH\\fR...]"
	say ".SH DESCRIPTION"
	"$BIN" help | awk 'NR > 2 && /^$/ {exit} NR > 2 {print}' | roff
	say ".PP"
	say "The commands, their options and the text below are those of"
	say '.BR "reconciler help " COMMAND.'
	say ".SH GLOBAL OPTIONS"
	"$BIN" help | awk '/^Global options/ {on = 1; next} on && /^$/ {exit} on {print}' |
		sed 's/^  //' | roff | awk 'NR == 1 || /^[^ ]/ {print ".TP"; split($0, a, "  "); print "\\fB" a[1] "\\fR"; sub(/^[^ ]+ [^ ]+ +/, ""); print; next} {sub(/^ +/, ""); print}'
	say ".SH COMMANDS"
	for c in $commands; do
		say ".SS $c"
		say ".nf"
		"$BIN" help "$c" | awk '/^$/ {exit} {print}' | roff
		say ".fi"
		say ".PP"
		"$BIN" help "$c" | awk 'started {print} /^$/ {started = 1}' | roff | sed 's/^$/.PP/'
		opts=$(options "$c" | awk '{printf "%s--%s", (NR > 1 ? ", " : ""), $1}' | roff)
		if [ -n "$opts" ]; then
			say ".PP"
			say "Options: $opts."
		fi
	done
	say ".SH EXIT STATUS"
	say "0 success; 1 an error; 2 changes present or attention needed (see each command); 3 a safety cap stopped the run."
	say ".SH SEE ALSO"
	say "/usr/share/doc/reconciler/README.md, /usr/share/doc/reconciler/examples/"
} >"$OUT/reconciler.1"

# ---- bash ------------------------------------------------------------------
{
	echo "# bash completion for reconciler (generated from its help and option tables)"
	echo "_reconciler() {"
	echo '	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd="" i'
	echo '	for ((i = 1; i < COMP_CWORD; i++)); do'
	echo '		case ${COMP_WORDS[i]} in'
	echo '		--log-format) ((i++)) ;;'
	echo '		-*) ;;'
	echo '		*) cmd=${COMP_WORDS[i]}; break ;;'
	echo '		esac'
	echo '	done'
	echo '	case $prev in'
	echo "	--log-format) COMPREPLY=(\$(compgen -W \"$global_values\" -- \"\$cur\")); return ;;"
	echo '	--backend) COMPREPLY=($(compgen -W "local liveramp local:" -- "$cur")); return ;;'
	echo '	esac'
	echo '	local opts=""'
	echo '	case $cmd in'
	echo "	\"\") COMPREPLY=(\$(compgen -W \"$(echo $commands) --help --version --log-format\" -- \"\$cur\")); return ;;"
	for c in $commands; do
		opts=$(options "$c" | awk '{printf "%s--%s", (NR > 1 ? " " : ""), $1}')
		printf '\t%s)\n' "$c"
		for o in $(options "$c" | awk '$2 == 1 {print $1}'); do
			v=$(values "$c" "$o")
			[ -n "$v" ] && printf '\t\t[ "$prev" = --%s ] && { COMPREPLY=($(compgen -W "%s" -- "$cur")); return; }\n' "$o" "$v"
		done
		[ "$c" = help ] && printf '\t\tCOMPREPLY=($(compgen -W "%s" -- "$cur")); return\n' "$(echo $commands)"
		printf '\t\topts="%s --help --log-format" ;;\n' "$opts"
	done
	echo '	esac'
	echo '	if [[ $cur == -* ]]; then'
	echo '		COMPREPLY=($(compgen -W "$opts" -- "$cur"))'
	echo '	else'
	echo '		COMPREPLY=($(compgen -f -- "$cur"))'
	echo '	fi'
	echo '}'
	echo 'complete -o filenames -F _reconciler reconciler'
} >"$OUT/reconciler.bash"

# ---- zsh -------------------------------------------------------------------
zq() { sed "s/'/'\\\\''/g; s/\\[/\\\\[/g; s/\\]/\\\\]/g; s/:/\\\\:/g"; }
{
	echo "#compdef reconciler"
	echo "# zsh completion for reconciler (generated from its help and option tables)"
	echo "_reconciler() {"
	echo "	local -a commands"
	echo "	commands=("
	"$BIN" help | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {n = $1; sub(/^  [a-z]+ +/, ""); print n "\t" $0} on && /^$/ {on = 0}' |
		while IFS="	" read -r n s; do printf "\t\t'%s:%s'\n" "$n" "$(printf '%s' "$s" | sed "s/'/'\\\\''/g; s/:/\\\\:/g")"; done
	echo "	)"
	echo "	if (( CURRENT == 2 )); then"
	echo "		_describe -t commands 'reconciler command' commands"
	echo "		return"
	echo "	fi"
	echo "	local cmd=\${words[2]}"
	echo "	shift words; (( CURRENT-- ))"
	echo "	case \$cmd in"
	for c in $commands; do
		printf '\t%s)\n\t\t_arguments -s \\\n' "$c"
		options "$c" | while read -r o a; do
			if [ "$a" = 1 ]; then
				v=$(values "$c" "$o")
				if [ -n "$v" ]; then
					printf "\t\t\t'--%s=[%s]:%s:(%s)' \\\\\n" "$o" "$o" "$o" "$v"
				elif [ "$o" = backend ]; then
					printf "\t\t\t'--%s=[%s]:backend:(local liveramp)' \\\\\n" "$o" "$o"
				else
					printf "\t\t\t'--%s=[%s]:%s:_files' \\\\\n" "$o" "$o" "$o"
				fi
			else
				printf "\t\t\t'--%s[%s]' \\\\\n" "$o" "$o"
			fi
		done
		printf "\t\t\t'--log-format=[log format]:format:(%s)' \\\\\n" "$global_values"
		if [ "$c" = help ]; then
			printf "\t\t\t'1:command:(%s)'\n\t\t;;\n" "$(echo $commands)"
		else
			printf "\t\t\t'*:path:_files'\n\t\t;;\n"
		fi
	done
	echo "	esac"
	echo "}"
	echo '_reconciler "$@"'
} >"$OUT/_reconciler"
