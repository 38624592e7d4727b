#!/bin/bash
# Where ziplint's time and memory go, on the archives make-archives.sh built:
# for each case, GNU time (wall, CPU, peak RSS), the system calls (strace
# -c), and a perf profile by library and by function (the software
# cpu-clock event, so it works where hardware counters do not, as in a VM).
# With BENCH_MASSIF=1 also valgrind massif's peak heap, by allocation site.
#
#   bench/profile.sh [ZIPLINT]     (a build tree's libtool wrapper is seen
#                                   through, as in run.sh)
#
# Each tool is skipped, with a note, when it is missing.
set -euo pipefail

BENCH_DIR=${BENCH_DIR:-/tmp/ziplint-bench}
ZL=${1:-$(command -v ziplint || true)}
die() { echo "profile.sh: $*" >&2; exit 2; }
if [ -z "$ZL" ] || [ ! -x "$ZL" ]; then die "no ziplint to run (give its path)"; fi
if [ "$(head -c 2 "$ZL")" = '#!' ] && grep -q 'libtool' "$ZL"; then
	zdir=$(cd "$(dirname "$ZL")" && pwd)
	ZL="$zdir/.libs/$(basename "$ZL")"
	export LD_LIBRARY_PATH="$zdir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
WORK=$(mktemp -d "$BENCH_DIR/profile.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

have_perf=0
perf record -q -e cpu-clock -o "$WORK/probe.data" true >/dev/null 2>&1 && have_perf=1
command -v strace >/dev/null 2>&1 || echo "profile.sh: no strace: system calls not counted" >&2
[ "$have_perf" = 1 ] || echo "profile.sh: perf cannot record cpu-clock here: no profiles" >&2

profile() { # TITLE ARCHIVE COPY(0/1) ZIPLINT-ARGS...
	local title=$1 arch=$2 copy=$3
	shift 3
	local target=$arch
	echo
	echo "==== $title ($(basename "$arch")) ===="
	fresh() { if [ "$copy" = 1 ]; then cp "$arch" "$WORK/t.zip"; sync; target="$WORK/t.zip"; fi; }
	fresh
	/usr/bin/time -f "wall %e s, user %U s, sys %S s, peak RSS %M KiB" "$ZL" "$@" "$target" 2>&1 >/dev/null |
		grep '^wall' || true
	if command -v strace >/dev/null 2>&1; then
		fresh
		strace -f -c -w -o "$WORK/strace.txt" "$ZL" "$@" "$target" >/dev/null 2>&1 || true
		echo "-- system calls (wall seconds, calls):"
		awk 'NR > 2 && $1 ~ /^[0-9.]+$/ && NF >= 5 { printf "   %-12s %8.3f s %9d calls\n", $NF, $2, $4 }' \
			"$WORK/strace.txt" | head -6
	fi
	if [ "$have_perf" = 1 ]; then
		fresh
		perf record -q -e cpu-clock -F 999 --call-graph dwarf,16384 -o "$WORK/perf.data" \
			"$ZL" "$@" "$target" >/dev/null 2>&1 || true
		echo "-- CPU by library (self):"
		perf report -i "$WORK/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null |
			grep -E '^ +[0-9]+\.[0-9]+%' | head -8
		echo "-- CPU by function, inclusive (ziplint, libzip, zlib, libmagic, libelf, PCRE2, malloc):"
		perf report -i "$WORK/perf.data" --children --sort sym --stdio -g none 2>/dev/null |
			grep -E '^ +[0-9]+\.[0-9]+%' |
			grep -E '\] (zl_|zip_|inflate|crc32|magic_|elf_|gelf_|pcre2_|malloc|free|_int_|__libc_p(read|write)|fsync|build_table|check_|run_|read_back|write_)' |
			head -25
	fi
	if [ "${BENCH_MASSIF:-0}" = 1 ] && command -v valgrind >/dev/null 2>&1; then
		fresh
		valgrind -q --tool=massif --massif-out-file="$WORK/massif.out" "$ZL" "$@" "$target" \
			>/dev/null 2>&1 || true
		echo "-- peak heap (massif), largest allocation sites:"
		ms_print "$WORK/massif.out" | awk '/\(peak\)/ { f = 1 } f' |
			grep -E '^[0-9.]+% \(|^->' | head -12
	fi
}

profile "check" "$BENCH_DIR/pkg.zip" 0 check
profile "check --verify" "$BENCH_DIR/pkg.zip" 0 check --verify
profile "fix (a fresh copy)" "$BENCH_DIR/pkg.zip" 1 fix
profile "check" "$BENCH_DIR/tiny100k.zip" 0 check
profile "check" "$BENCH_DIR/bigso.zip" 0 check
profile "fix (a fresh copy)" "$BENCH_DIR/bigso.zip" 1 fix
