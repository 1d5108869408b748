# The logic of duct's zsh completion; the data above it (_duct_types, _duct_opts, ...) is
# generated from duct's tables. Same behaviour as completion/duct.bash: address types,
# the options an address takes after a comma, option words (pf=ip4|ip6), file names for
# FILE/OPEN/GOPEN/UNIX..., global flags, and the flags of `duct nc` and `duct ss`.

# _duct_address_candidates WORD: full-word candidates for an address being typed
_duct_address_candidates() {
	local cur=$1 pre="" t
	if [[ $cur == *'!!'* ]]; then
		pre=${cur%'!!'*}'!!'
		cur=${cur##*'!!'}
	fi
	if [[ $cur != *[:,]* ]]; then
		for t in $_duct_types; do
			[[ ${(L)t} == ${(L)cur}* ]] && print -r -- "$pre$t"
		done
		return 0
	fi
	local head=${cur%%[:,]*}
	local type=${(U)head}
	local groups=${_duct_tgroups[$type]}
	[[ -n $groups ]] || return 0
	if [[ $cur != *,* ]]; then
		if [[ -n ${_duct_tfile[$type]} ]]; then
			local f
			for f in ${~${cur#*:}}*(N); do
				[[ -d $f ]] && f+=/
				print -r -- "$pre$head:$f"
			done
		fi
		return 0
	fi
	local before=${cur%,*} part=${cur##*,} o
	if [[ $part == *=* ]]; then
		local name=${part%%=*} v
		for v in ${=_duct_ovalues[${(L)name}]}; do
			[[ $v == ${part#*=}* ]] && print -r -- "$pre$before,$name=$v"
		done
		return 0
	fi
	for o in $_duct_opts; do
		[[ $o == ${(L)part}* ]] || continue
		(( _duct_ogroups[$o] & groups )) || continue
		if [[ ${_duct_okind[$o]} == value ]]; then
			print -r -- "$pre$before,$o="
		else
			print -r -- "$pre$before,$o"
		fi
	done
}

# _duct_candidates WORDS...: the candidates for the last word, given the words before it
# (without the command name)
_duct_candidates() {
	local -a words=("$@")
	local n=$#words
	local cur=$words[n] w i naddr=0 f
	case $words[1] in
	nc|ncat|netcat)
		if (( n > 1 )) && [[ $cur == -* ]]; then
			for f in $_duct_nc_flags; do [[ $f == $cur* ]] && print -r -- $f; done
		fi
		return 0 ;;
	ss)
		if (( n > 1 )) && [[ $cur == -* ]]; then
			for f in $_duct_ss_flags; do [[ $f == $cur* ]] && print -r -- $f; done
		fi
		return 0 ;;
	esac
	for ((i = 1; i < n; i++)); do
		w=$words[i]
		case $w in
		-lf|-lp|-r|-R|-L|-W|-t|-T|-b|-S|--workers) ((i++)) ;;
		-?*) ;;
		*) ((naddr++)) ;;
		esac
	done
	if (( n > 1 )); then
		case $words[n-1] in
		-lf|-r|-R|-L|-W)
			for f in ${~cur}*(N); do print -r -- $f; done
			return 0 ;;
		esac
	fi
	if [[ $cur == -?* && $naddr -eq 0 ]]; then
		for f in $_duct_flags; do [[ $f == $cur* ]] && print -r -- $f; done
		return 0
	fi
	if (( n == 1 )); then
		for f in nc ss; do [[ $f == $cur* ]] && print -r -- $f; done
	fi
	(( naddr < 2 )) && _duct_address_candidates "$cur"
	return 0
}

_duct() {
	local -a cands
	cands=("${(@f)$(_duct_candidates "${(@)words[2,CURRENT]}")}")
	cands=(${cands:#})
	(( $#cands )) || return 1
	# an address head, a NAME= or a directory goes on: no space after it
	local -a open=(${(M)cands:#*[:=/]}) done=(${cands:#*[:=/]})
	(( $#open )) && compadd -Q -S '' -- $open
	(( $#done )) && compadd -Q -- $done
	return 0
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
	_duct "$@"
else
	compdef _duct duct 2>/dev/null
fi
