#!/bin/sh
# deps_check.sh [SRCDIR]: every #include "folder/..." in SRCDIR (default src) is one that
# SRCDIR/LAYERS allows; prints one line per breach (file:line, the include, the rule) and exits 1
# if there is any. Files directly in SRCDIR (main.c) belong to the folder "main".
src=${1:-src}
rules=$src/LAYERS
[ -r "$rules" ] || { echo "deps_check: no $rules" >&2; exit 2; }
find "$src" -name '*.[ch]' | sort | while IFS= read -r f; do
	rel=${f#"$src"/}
	case $rel in */*) folder=${rel%%/*} ;; *) folder=main ;; esac
	grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[a-z_]*/' "$f" | while IFS= read -r hit; do
		line=${hit%%:*}
		to=$(printf '%s\n' "$hit" | sed 's/.*include[[:space:]]*"\([a-z_]*\)\/.*/\1/')
		[ "$to" = "$folder" ] && continue
		allowed=$(awk -v k="$folder:" '$1 == k { $1 = ""; print }' "$rules")
		extra=$(awk -v k="$rel:" '$1 == k { $1 = ""; print }' "$rules")
		case " $allowed $extra " in *" $to "*) continue ;; esac
		echo "$rel:$line: includes $to/, but $rules lets $folder/ include only: ${allowed# }"
	done
done | { breaches=$(cat); [ -z "$breaches" ] && exit 0; printf '%s\n' "$breaches"; exit 1; }
