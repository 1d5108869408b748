# The logic of duct's bash completion; the data above it (_duct_types, _duct_opts, ...) is
# generated from duct's tables. The relay face completes address types (TCP-LIS -> TCP-LISTEN:),
# the options an address takes after a comma (TCP-LISTEN:80,reusea -> reuseaddr), the words of
# options that take a set (pf=ip4|ip6, booleans 0|1), file names for FILE/OPEN/GOPEN/UNIX...,
# and global flags; `duct nc` and `duct ss` complete their flags.

# _duct_address_candidates WORD: full-word candidates for an address being typed
_duct_address_candidates() {
	local cur=$1 pre="" t
	# READ!!WRITE: complete the part after the last !!
	if [[ $cur == *'!!'* ]]; then
		pre=${cur%'!!'*}'!!'
		cur=${cur##*'!!'}
	fi
	if [[ $cur != *[:,]* ]]; then
		for t in "${_duct_types[@]}"; do
			[[ ${t,,} == "${cur,,}"* ]] && printf '%s\n' "$pre$t"
		done
		return
	fi
	local head=${cur%%[:,]*}
	local type=${head^^}
	local groups=${_duct_tgroups[$type]}
	[[ -n $groups ]] || return
	if [[ $cur != *,* ]]; then
		# parameters: a file name where the type takes one
		if [[ -n ${_duct_tfile[$type]} ]]; then
			local f
			while IFS= read -r f; do
				[[ -d $f ]] && f+=/
				printf '%s\n' "$pre$head:$f"
			done < <(compgen -f -- "${cur#*:}")
		fi
		return
	fi
	local before=${cur%,*} part=${cur##*,} o
	if [[ $part == *=* ]]; then
		local name=${part%%=*} v
		for v in ${_duct_ovalues[${name,,}]}; do
			[[ $v == "${part#*=}"* ]] && printf '%s\n' "$pre$before,$name=$v"
		done
		return
	fi
	for o in "${_duct_opts[@]}"; do
		[[ $o == "${part,,}"* ]] || continue
		(( _duct_ogroups[$o] & groups )) || continue
		if [[ ${_duct_okind[$o]} == value ]]; then
			printf '%s\n' "$pre$before,$o="
		else
			printf '%s\n' "$pre$before,$o"
		fi
	done
}

# _duct_candidates WORDS...: the candidates for the last word, given the words before it
# (without the command name). Full words; _duct trims what bash treats as already typed.
_duct_candidates() {
	local words=("$@")
	local n=${#words[@]}
	local cur=${words[n-1]} w i naddr=0
	case ${words[0]} in
	nc|ncat|netcat)
		[[ $n -gt 1 && $cur == -* ]] && compgen -W "${_duct_nc_flags[*]}" -- "$cur"
		return ;;
	ss)
		[[ $n -gt 1 && $cur == -* ]] && compgen -W "${_duct_ss_flags[*]}" -- "$cur"
		return ;;
	esac
	for ((i = 0; i < n - 1; i++)); do
		w=${words[i]}
		case $w in
		-lf|-lp|-r|-R|-L|-W|-t|-T|-b|-S|--workers) ((i++)) ;;
		-?*) ;;
		*) ((naddr++)) ;;
		esac
	done
	local prev=${words[n-2]}
	case $prev in
	-lf|-r|-R|-L|-W) compgen -f -- "$cur"; return ;;
	esac
	if [[ $cur == -?* && $naddr -eq 0 ]]; then
		compgen -W "${_duct_flags[*]}" -- "$cur"
		return
	fi
	if [[ $naddr -eq 0 && $n -eq 1 && -z $cur ]]; then
		compgen -W "nc ss" -- "$cur"
	elif [[ $n -eq 1 ]]; then
		compgen -W "nc ss" -- "$cur"
	fi
	[[ $naddr -lt 2 ]] && _duct_address_candidates "$cur"
}

_duct() {
	# the word being completed as typed, ':' '=' ',' and all (bash splits words at : and =)
	local line=${COMP_LINE:0:COMP_POINT}
	local -a words
	read -r -a words <<<"$line"
	[[ $line == *[[:space:]] ]] && words+=("")
	local cur=${words[${#words[@]}-1]}
	# what bash will replace: the part after the last word-break character in cur
	local keep=${cur%"${cur##*[$COMP_WORDBREAKS]}"}
	[[ $keep == "$cur" ]] && keep=""
	local c
	COMPREPLY=()
	while IFS= read -r c; do
		[[ -n $c ]] && COMPREPLY+=("${c#"$keep"}")
	done < <(_duct_candidates "${words[@]:1}")
	# an address head, a NAME= or a directory goes on: no space after it
	for c in "${COMPREPLY[@]}"; do
		if [[ $c == *[:=/] || $c == *'!!' ]]; then
			compopt -o nospace 2>/dev/null
			break
		fi
	done
}
complete -F _duct duct
