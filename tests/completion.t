#!/usr/bin/env bash
# Issue 19: shell completion, generated from the handler table and the option registry. Sources
# the built bash completion (and the zsh one where zsh is installed) and completes as a user
# would; the registry cases take their expectations from duct -hh/-hhh, so a new address type or
# option needs no edit here.
. "$(dirname "$0")/lib/tap.sh"
need_duct
BASHC=$(dirname "$DUCT")/completion/duct.bash
ZSHC=$(dirname "$DUCT")/completion/_duct
[ -r "$BASHC" ] || skip_all "no $BASHC (make builds it)"

# comp LINE: what bash offers when TAB is pressed at the end of LINE (one per line, sorted)
comp() {
	bash --norc -c 'source "$1"; COMP_WORDBREAKS=$'"'"' \t\n"\'"'"'><=;|&(:'"'"'; COMP_LINE=$2; COMP_POINT=${#COMP_LINE}
		_duct; printf "%s\n" "${COMPREPLY[@]}"' _ "$BASHC" "$1" | sort
}
# cand WORDS...: the full-word candidates for the last word (the logic both shells share)
cand() { bash --norc -c 'source "$1"; shift; _duct_candidates "$@"' _ "$BASHC" "$@" | sort; }

is "$(comp 'duct TCP-LIS')" "TCP-LISTEN:" "TCP-LIS<TAB>: TCP-LISTEN:"
is "$(cand TCP-LIS)" "TCP-LISTEN:" "... the full word is TCP-LISTEN:"
is "$(cand tcp4-lis)" "TCP4-LISTEN:" "lower case is completed too"
is "$(comp 'duct TCP-LISTEN:80,reusea')" "80,reuseaddr" "TCP-LISTEN:80,reusea<TAB>: reuseaddr"
is "$(cand TCP-LISTEN:80,reusea)" "TCP-LISTEN:80,reuseaddr" "... as the full word"
like "$(cand TCP-LISTEN:80,f)" "TCP-LISTEN:80,fork" "fork offered to a listener"
unlike "$(cand OPEN:/tmp/x,f)" ",fork$" "fork not offered to OPEN (not in its groups)"
is "$(cand TCP-LISTEN:80,pf=)" "$(printf 'TCP-LISTEN:80,pf=%s\n' ip4 ip6 unix vsock | sort)" "pf= offers its words"
is "$(cand TCP-LISTEN:80,pf=ip)" "$(printf 'TCP-LISTEN:80,pf=%s\n' ip4 ip6)" "pf=ip offers ip4 ip6"
is "$(cand TCP:h:1,ignoreeof=)" "$(printf 'TCP:h:1,ignoreeof=%s\n' 0 1)" "a boolean offers 0 and 1"
is "$(cand BROKER,hub-stdio=i)" "$(printf 'BROKER,hub-stdio=%s\n' in inout)" "hub-stdio= offers its words"
like "$(cand TCP:h:1,connect-t)" "TCP:h:1,connect-timeout=$" "an option that needs a value ends in ="
mkdir -p "$T_TMP/dir"; : >"$T_TMP/dir/file.txt"
is "$(cand "OPEN:$T_TMP/dir/fi")" "OPEN:$T_TMP/dir/file.txt" "OPEN: completes file names"
is "$(cand "GOPEN:$T_TMP/di")" "GOPEN:$T_TMP/dir/" "GOPEN: completes a directory with its slash"
is "$(cand "UNIX-CONNECT:$T_TMP/dir/fi")" "UNIX-CONNECT:$T_TMP/dir/file.txt" "UNIX-CONNECT: completes file names"
is "$(cand "TCP:$T_TMP/dir/fi")" "" "TCP: does not complete file names"
is "$(cand 'PIPE:/x!!STDO')" "PIPE:/x!!STDOUT" "READ!!WRITE: the part after !! is an address"
like "$(cand --fork)" "^--fork-process$" "global flags: --fork-process"
is "$(cand --session-l)" "--session-log" "global flags: --session-log (issue 18)"
like "$(cand -l)" "-lf" "global flags: -lf"
is "$(cand -d TCP-LISTEN:1 STDOUT STD)" "" "no third address"
is "$(cand -d TCP-LISTEN:1 STDO)" "STDOUT" "the second address"
is "$(cand nc --keep)" "--keep-open" "duct nc: ncat's long flags"
like "$(cand nc -)" "-z" "duct nc: short flags"
is "$(cand ss --tc)" "--tcp" "duct ss: long flags"
like "$(cand ss -)" "-j" "duct ss: -j"
like "$(cand '')" "^nc$" "the first word offers the nc and ss faces"

# ---- against the registry: every address type of -hh, every option an address takes
h2=$("$DUCT" -hh); h3=$("$DUCT" -hhh)
types=$(printf '%s\n' "$h3" | sed -n '/^Address types: /,/^Options /p' | sed '1d;$d' | grep . | grep -v 'short form' |
	awk '{print $1}' | sed -E 's/[:[].*//' | grep -vx -- '-' | sort)
is "$(cand '' | sed 's/:$//' | sort)" "$(printf '%s\n' nc ss $types | sort)" "the empty word offers every address type and alias of -hhh"
# options of an address = the -hhh rows whose groups meet the address's (or go with any address)
opts_for() {
	local ag
	ag=$(printf '%s\n' "$h2" | awk -v t="$1" '$1 ~ "^"t"(:|$)" {sub(/.*groups=/, ""); print; exit}')
	printf '%s\n' "$h3" | sed -n '/^Options /,$p' | sed 1d | awk -v ag="$ag" '
		BEGIN { n = split(ag, ga, ","); for (i = 1; i <= n; i++) G[ga[i]] = 1; G["PROCESS"] = 1; G["APPL"] = 1 }
		/is an alias for/ { alias[$1] = $NF; next }
		{ split($0, f, "groups="); split(f[2], g, /[ \t]/); m = split(g[1], og, ",");
		  ok = 0; for (i = 1; i <= m; i++) if (og[i] in G) ok = 1; if (g[1] == "") ok = 1
		  if (ok) take[$1] = 1 }
		END { for (o in take) print o; for (al in alias) if (alias[al] in take) print al }' | sort
}
for t in TCP-LISTEN OPEN EXEC UDP4-RECVFROM OPENSSL PTY; do
	want=$(opts_for "$t")
	got=$(cand "$t:x,"; true)
	got=$(printf '%s\n' "$got" | sed -E "s/^$t:x,//; s/=$//" | sort)
	ok "$([ -n "$want" ] && [ "$got" = "$want" ]; echo $?)" "$t:x,<TAB> offers exactly the options -hhh lists for its groups ($(printf '%s\n' "$want" | grep -c .))"
	[ "$got" = "$want" ] || diag "$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | head -5)"
done

# ---- zsh: the same candidates
if have zsh && [ -r "$ZSHC" ]; then
	zc() { zsh -f -c 'source "$1"; shift; _duct_candidates "$@"' _ "$ZSHC" "$@" | sort; }
	for w in TCP-LIS tcp4-lis TCP-LISTEN:80,reusea TCP-LISTEN:80,pf= "OPEN:$T_TMP/dir/fi" "GOPEN:$T_TMP/di" \
		'PIPE:/x!!STDO' --fork -l; do
		is "$(zc "$w")" "$(cand "$w")" "zsh offers what bash offers for $w"
	done
	is "$(zc nc --keep)" "--keep-open" "zsh: duct nc flags"
	is "$(zc ss --tc)" "--tcp" "zsh: duct ss flags"
	is "$(zc TCP-LISTEN:x,)" "$(cand TCP-LISTEN:x,)" "zsh: the options of TCP-LISTEN as bash"
	is "$(zsh -f -c 'autoload -Uz compinit; compinit -u -d "$2/zcd"; fpath=("$1" $fpath); autoload -Uz _duct; echo ${_comps[duct]:-none}' _ \
		"$(dirname "$ZSHC")" "$T_TMP" 2>&1 | tail -1)" "none" "zsh: compinit without our fpath has no duct (sanity)"
	is "$(zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -d "$2/zcd2"; echo ${_comps[duct]:-none}' _ \
		"$(dirname "$ZSHC")" "$T_TMP" 2>&1 | tail -1)" "_duct" "zsh: compinit finds _duct on fpath (#compdef duct)"
else
	skip "zsh not installed"
fi

done_testing
