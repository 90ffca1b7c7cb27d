#!/bin/sh
# make size: how heavy the static binary is, and what makes it so.
bin=${1:-cginit-static}
budget=98304   # 96 KiB with libcap linked in (issue 5)
stretch=65536  # 64 KiB
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$bin" "$tmp/stripped" && strip "$tmp/stripped" 2>/dev/null
bytes=$(stat -c %s "$tmp/stripped")
echo "== $bin, stripped: $bytes bytes ($(( (bytes + 1023) / 1024 )) KiB)"
echo "   budget 96 KiB: $( [ "$bytes" -le $budget ] && echo met || echo MISSED ); stretch 64 KiB: $( [ "$bytes" -le $stretch ] && echo met || echo missed )"
size "$bin"
# Symbols need an unstripped build of the same sources.
if make -s --no-print-directory "$tmp/unstripped" STATIC_OUT="$tmp/unstripped" >/dev/null 2>&1 && [ -f "$tmp/unstripped" ]; then
	echo "== largest symbols (nm --size-sort, unstripped build)"
	nm --size-sort -S -t d "$tmp/unstripped" | tail -n 25 | awk '{ printf "%8d  %s %s\n", $2, $3, $4 }'
	# A symbol is libc's or libcap's if their archives define it: names
	# alone cannot tell, as cginit's static functions have no prefix.
	libc=$(${MUSL_CC:-musl-gcc} -print-file-name=libc.a 2>/dev/null)
	libcap=$(make -s --no-print-directory -p -n 2>/dev/null | sed -n 's/^LIBCAP_MUSL_A := //p' | head -n 1)
	if [ -f "$libc" ] && [ -f "$libcap" ]; then
		echo "== by origin: cginit's own code vs libc/libcap (symbols their archives define)"
		nm --defined-only "$libc" "$libcap" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/libsyms"
		nm -S -t d --defined-only "$tmp/unstripped" | awk '
			NR == FNR { lib[$1] = 1; next }
			NF == 4 && $3 !~ /^[bBdD]$/ { sz = $2 + 0; if ($4 in lib) other += sz; else own += sz }
			END { printf "   code+rodata: cginit %d bytes, libc/libcap %d bytes\n", own, other }' "$tmp/libsyms" -
	fi
fi
