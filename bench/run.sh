#!/bin/bash
# Time ziplint side by side with the tools people use today, on the archives
# bench/make-archives.sh built in BENCH_DIR, and print a Markdown table of
# medians, ratios and the targets of issue 7 (PASS/FAIL).
#
#   bench/run.sh [ZIPLINT]        (default: ziplint on PATH)
#
# ZIPLINT may be the libtool wrapper script of a build tree (./ziplint): the
# real binary next to it, .libs/ziplint, is then run directly with
# LD_LIBRARY_PATH=.libs, so that neither the timings nor GNU time's peak
# memory include the wrapper's shell.
#
# Environment: BENCH_DIR (default /tmp/ziplint-bench), BENCH_ROUNDS (default
# 5), BENCH_STRICT=1 to exit 1 when a target is missed.
#
# The commands are interleaved: every round runs each command once, in an
# order rotated from round to round, so that a slow moment of the machine
# hits all of them alike. The page cache cannot be dropped without
# privileges, so it is warmed instead: every archive is read once and every
# command run once, untimed, before the first round.
#
# The commands below are strings run later with eval: their single quotes,
# and the functions and variables only they use, are on purpose.
# shellcheck disable=SC2016,SC2034,SC2317
set -euo pipefail

BENCH_DIR=${BENCH_DIR:-/tmp/ziplint-bench}
ROUNDS=${BENCH_ROUNDS:-5}
STRICT=${BENCH_STRICT:-0}
ZL=${1:-$(command -v ziplint || true)}

die() { echo "run.sh: $*" >&2; exit 2; }

if [ -z "$ZL" ] || [ ! -x "$ZL" ]; then die "no ziplint to run (give its path)"; fi
for a in pkg tiny10k tiny100k bigso; do
	[ -f "$BENCH_DIR/$a.zip" ] || die "$BENCH_DIR/$a.zip missing: run bench/make-archives.sh first"
done
for tool in zipinfo unzip zip cp awk; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) not found: apt-get install -y time"
case $ROUNDS in ''|*[!0-9]*) die "BENCH_ROUNDS must be a number";; esac
[ "$ROUNDS" -ge 1 ] || die "BENCH_ROUNDS must be at least 1"

# A libtool wrapper: run the real binary against the freshly built library.
ZL_HOW="$ZL"
if [ "$(head -c 2 "$ZL")" = '#!' ] && grep -q 'libtool' "$ZL"; then
	zdir=$(cd "$(dirname "$ZL")" && pwd)
	real="$zdir/.libs/$(basename "$ZL")"
	[ -x "$real" ] || die "$ZL is a libtool wrapper but $real is missing"
	ZL=$real
	export LD_LIBRARY_PATH="$zdir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	ZL_HOW="$real with LD_LIBRARY_PATH=$zdir/.libs (the real binary, not the libtool wrapper)"
fi

PKG="$BENCH_DIR/pkg.zip"
T10K="$BENCH_DIR/tiny10k.zip"
T100K="$BENCH_DIR/tiny100k.zip"
BIGSO="$BENCH_DIR/bigso.zip"
WORK="$BENCH_DIR/work"
rm -rf "$WORK"
mkdir -p "$WORK"
SAMPLES="$BENCH_DIR/samples.tsv"
RESULTS="$BENCH_DIR/results.md"
: > "$SAMPLES"

# The shell pipeline people use today to repair such a package, as one
# bash -c: unzip, delete the bytecode and dist-info folders, fix the modes,
# zip the wrapper's contents back.
PIPELINE='set -e
t=$(mktemp -d "$1/pipe.XXXXXX")
unzip -q "$2" -d "$t"
find "$t" -type d \( -name __pycache__ -o -name "*.dist-info" \) -prune -exec rm -rf {} +
find "$t" -type d -exec chmod 755 {} +
find "$t" -type f -exec chmod 644 {} +
rm -f "$3"
cd "$t/lambdaPackage"
zip -qr "$3" .
cd /
rm -rf "$t"'

# ziplint exits 1 when it finds something (as it does on pkg.zip); only 2
# and above mean it failed.
zl_ok() { "$ZL" "$@" >/dev/null 2>&1 || [ $? -eq 1 ]; }

# One command of the benchmark: its name, then what to run. Preparation
# that must not be timed (a fresh copy to fix) happens in prep_NAME.
declare -A CMD
CMD[zipinfo_pkg]='zipinfo -l "$PKG" >/dev/null'
CMD[check_pkg]='zl_ok check "$PKG"'
CMD[verify_pkg]='zl_ok check --verify "$PKG"'
CMD[fix_pkg]='zl_ok fix "$WORK/fix.zip"'
CMD[unzipt_pkg]='unzip -tq "$PKG" >/dev/null'
CMD[cp_pkg]='cp "$PKG" "$WORK/cp.zip"'
CMD[pipeline_pkg]='bash -c "$PIPELINE" pipeline "$WORK" "$PKG" "$WORK/pipe.zip"'
CMD[zipinfo_100k]='zipinfo -l "$T100K" >/dev/null'
CMD[check_100k]='zl_ok check "$T100K"'
CMD[zipinfo_10k]='zipinfo -l "$T10K" >/dev/null'
CMD[check_10k]='zl_ok check "$T10K"'
CMD[zipinfo_so]='zipinfo -l "$BIGSO" >/dev/null'
CMD[check_so]='zl_ok check "$BIGSO"'
CMD[verify_so]='zl_ok check --verify "$BIGSO"'
CMD[fix_so]='zl_ok fix "$WORK/fixso.zip"'
CMD[unzipt_so]='unzip -tq "$BIGSO" >/dev/null'
CMD[cp_so]='cp "$BIGSO" "$WORK/cpso.zip"'

prep() {
	case $1 in
	fix_pkg) cp "$PKG" "$WORK/fix.zip" ;;
	fix_so) cp "$BIGSO" "$WORK/fixso.zip" ;;
	cp_pkg) rm -f "$WORK/cp.zip" ;;
	cp_so) rm -f "$WORK/cpso.zip" ;;
	pipeline_pkg) rm -f "$WORK/pipe.zip" ;;
	esac
	# What the preparation wrote is flushed before the clock starts, so
	# its write-back does not land on the timed command.
	sync
}

ORDER=(zipinfo_pkg check_pkg verify_pkg fix_pkg unzipt_pkg cp_pkg pipeline_pkg
	zipinfo_100k check_100k zipinfo_10k check_10k
	zipinfo_so check_so verify_so fix_so unzipt_so cp_so)

run_one() { # NAME -> prints seconds
	local s e
	prep "$1"
	s=$EPOCHREALTIME
	eval "${CMD[$1]}" || die "$1 failed: ${CMD[$1]}"
	e=$EPOCHREALTIME
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f\n", e - s }'
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "run.sh: ziplint is $ZL_HOW" >&2
echo "run.sh: warming the page cache (caches cannot be dropped unprivileged)" >&2
cat "$PKG" "$T10K" "$T100K" "$BIGSO" > /dev/null
for name in "${ORDER[@]}"; do
	run_one "$name" > /dev/null
done

n=${#ORDER[@]}
for ((r = 1; r <= ROUNDS; r++)); do
	echo "run.sh: round $r of $ROUNDS" >&2
	for ((i = 0; i < n; i++)); do
		name=${ORDER[(i + r - 1) % n]}
		printf '%s\t%d\t%s\n' "$name" "$r" "$(run_one "$name")" >> "$SAMPLES"
	done
done

median() { # NAME -> seconds
	awk -F'\t' -v k="$1" '$1 == k { print $3 }' "$SAMPLES" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
range() { # NAME -> "min–max"
	awk -F'\t' -v k="$1" '$1 == k { print $3 }' "$SAMPLES" | sort -g |
		awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.3f–%.3f", lo, hi }'
}
declare -A MED
for name in "${ORDER[@]}"; do
	MED[$name]=$(median "$name")
done

# Peak resident memory: GNU time's "Maximum resident set size", the largest
# of three runs. GNU time runs the binary itself, not the zl_ok function.
declare -A MEMCMD
MEMCMD[check_pkg]='"$ZL" check "$PKG"'
MEMCMD[verify_pkg]='"$ZL" check --verify "$PKG"'
MEMCMD[fix_pkg]='"$ZL" fix "$WORK/fix.zip"'
MEMCMD[check_so]='"$ZL" check "$BIGSO"'
MEMCMD[verify_so]='"$ZL" check --verify "$BIGSO"'
MEMCMD[fix_so]='"$ZL" fix "$WORK/fixso.zip"'
MEMCMD[check_100k]='"$ZL" check "$T100K"'
MEMCMD[zipinfo_pkg]='zipinfo -l "$PKG"'
MEMCMD[unzipt_pkg]='unzip -tq "$PKG"'
peak_kib() { # NAME
	local best=0 k _
	for _ in 1 2 3; do
		prep "$1"
		k=$(eval "/usr/bin/time -v ${MEMCMD[$1]}" 2>&1 >/dev/null |
			awk -F': ' '/Maximum resident set size/ { print $2 }')
		[ -n "$k" ] || die "no peak memory for $1"
		[ "$k" -gt "$best" ] && best=$k
	done
	echo "$best"
}
echo "run.sh: peak memory (GNU time -v)" >&2
declare -A RSS
for name in check_pkg verify_pkg fix_pkg check_so verify_so fix_so check_100k zipinfo_pkg unzipt_pkg; do
	RSS[$name]=$(peak_kib "$name")
done

# ---- the report ----
f3() { awk -v x="$1" 'BEGIN { printf "%.3f", x }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
verdict() { # VALUE OP LIMIT -> PASS/FAIL
	if awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { exit !((op == "le") ? v <= l : v >= l) }'; then
		echo PASS
	else
		echo FAIL
	fi
}
ratio_row() { # LABEL ARCHIVE A B MAX
	local r v
	r=$(awk -v a="${MED[$3]}" -v b="${MED[$4]}" 'BEGIN { printf "%.3f", a / b }')
	v=$(verdict "$r" le "$5")
	printf '| %s | %s | %s s | %s s | %s × | ≤ %s × | %s |\n' "$1" "$2" \
		"$(f3 "${MED[$3]}")" "$(f3 "${MED[$4]}")" "$r" "$5" "$v"
}
entries() { zipinfo -t "$1" | awk '{ print $1 }'; }
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
fs=$(df -PT "$BENCH_DIR" | awk 'NR == 2 { print $2 }')
{
echo "Machine: $(nproc) cores, ${cpu:-unknown CPU}, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $(uname -sr); $fs.  "
echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); $("$ZL" --version 2>/dev/null | head -1); $(unzip -v | head -1 | cut -d, -f1).  "
echo "Archives: pkg.zip $(entries "$PKG") entries, $(stat -c %s "$PKG") bytes zipped, $(zipinfo -t "$PKG" | awk '{ print $3 }') unzipped;" \
	"tiny10k.zip $(entries "$T10K") and tiny100k.zip $(entries "$T100K") entries;" \
	"bigso.zip a $(zipinfo -l "$BIGSO" | awk '/\.so$/ { printf "%.0f MB", $4 / 1e6 }') shared object.  "
echo "Medians of $ROUNDS interleaved rounds, wall clock, page cache warm (not dropped: no privileges); fix runs on a fresh copy each round. Load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| comparison | archive | ziplint | reference | ratio | target | result |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
ratio_row 'check vs `zipinfo -l`' pkg.zip check_pkg zipinfo_pkg 2
ratio_row 'check vs `zipinfo -l`' tiny100k.zip check_100k zipinfo_100k 1.5
ratio_row 'check --verify vs `unzip -t`' pkg.zip verify_pkg unzipt_pkg 0.2
ratio_row 'fix vs `unzip -t`' pkg.zip fix_pkg unzipt_pkg 0.3
sp=$(awk -v a="${MED[pipeline_pkg]}" -v b="${MED[fix_pkg]}" 'BEGIN { printf "%.1f", a / b }')
printf '| fix vs shell pipeline | pkg.zip | %s s | %s s | %s × faster | ≥ 40 × faster | %s |\n' \
	"$(f3 "${MED[fix_pkg]}")" "$(f3 "${MED[pipeline_pkg]}")" "$sp" "$(verdict "$sp" ge 40)"
r=$(awk -v a="${MED[fix_pkg]}" -v b="${MED[cp_pkg]}" 'BEGIN { printf "%.2f", a / b }')
printf '| fix vs `cp` | pkg.zip | %s s | %s s | %s × | (none) | |\n' \
	"$(f3 "${MED[fix_pkg]}")" "$(f3 "${MED[cp_pkg]}")" "$r"
ratio_row 'check 100k vs check 10k entries' 'tiny100k / tiny10k' check_100k check_10k 12
for row in 'check_pkg:check:pkg.zip:32768' 'fix_pkg:fix:pkg.zip:65536' \
	'check_so:check:bigso.zip:32768' 'fix_so:fix:bigso.zip:65536'; do
	IFS=: read -r name what arch lim <<< "$row"
	printf '| peak RSS, %s | %s | %s MiB | | | ≤ %s MiB | %s |\n' "$what" "$arch" \
		"$(mib "${RSS[$name]}")" "$((lim / 1024))" "$(verdict "${RSS[$name]}" le "$lim")"
done
echo
echo "Every median (seconds; min–max of the $ROUNDS rounds), and peak RSS where measured:"
echo
echo "| command | archive | median | range | peak RSS |"
echo "| --- | --- | --- | --- | --- |"
for name in "${ORDER[@]}"; do
	case $name in
	zipinfo_*) what='`zipinfo -l`' ;;
	check_*) what='`ziplint check`' ;;
	verify_*) what='`ziplint check --verify`' ;;
	fix_*) what='`ziplint fix`' ;;
	unzipt_*) what='`unzip -t`' ;;
	cp_*) what='`cp`' ;;
	pipeline_*) what='shell pipeline (unzip, rm, chmod, zip -r)' ;;
	esac
	case $name in
	*_pkg) arch=pkg.zip ;; *_100k) arch=tiny100k.zip ;; *_10k) arch=tiny10k.zip ;; *_so) arch=bigso.zip ;;
	esac
	rss=
	[ -n "${RSS[$name]:-}" ] && rss="$(mib "${RSS[$name]}") MiB"
	printf '| %s | %s | %s | %s | %s |\n' "$what" "$arch" "$(f3 "${MED[$name]}")" "$(range "$name")" "$rss"
done
} > "$RESULTS"
fails=$(grep -c '| FAIL |$' "$RESULTS" || true)
printf '\n%s of the %s targets missed.\n' "$fails" "$(grep -c '| \(PASS\|FAIL\) |$' "$RESULTS")" >> "$RESULTS"
cat "$RESULTS"
echo "run.sh: table in $RESULTS, every sample in $SAMPLES" >&2
rm -rf "$WORK"
if [ "$STRICT" = 1 ] && [ "$fails" -gt 0 ]; then
	exit 1
fi
exit 0
