#!/bin/sh
# run.sh - builds the libFuzzer target with clang and runs it (`make fuzz`).
#
#   FUZZ_SECONDS=60 sh tests/fuzz/run.sh SRCDIR BUILDDIR
#
# The library's sources are compiled straight into the fuzzer binary, so
# libFuzzer instruments ziplint's own code (not the system libzip, libmagic
# or libelf). Seeds are fixtures/*.zip; the corpus grows in
# BUILDDIR/tests/fuzz/corpus and crashes land in BUILDDIR/tests/fuzz/.
# Environment: FUZZ_SECONDS (default 60), FUZZ_JOBS (default 1), CLANG
# (default clang), DEP_CFLAGS and DEP_LIBS (the libraries' flags, from make).
set -eu
srcdir=${1:?usage: run.sh SRCDIR BUILDDIR}
builddir=${2:?usage: run.sh SRCDIR BUILDDIR}
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
clang=${CLANG:-clang}
out=$builddir/tests/fuzz
mkdir -p "$out/corpus" "$out/obj"

command -v "$clang" >/dev/null 2>&1 || { echo "fuzz: $clang not found" >&2; exit 77; }
[ -f "$builddir/src/lib/rules_builtin.c" ] || { echo "fuzz: run make first" >&2; exit 2; }

flags="-g -O1 -std=c11 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
 -I$srcdir/include -I$srcdir/src/lib -I$builddir -DZL_RULESDIR=\"/nonexistent\" ${DEP_CFLAGS:-}"
objs=
for c in "$srcdir"/src/lib/*.c "$srcdir"/src/lib/rules/*.c "$builddir/src/lib/rules_builtin.c" \
    "$srcdir/tests/fuzz/fuzz_ziplint.c"; do
    # In an in-tree build the generated file also matches src/lib/*.c.
    case $c in "$srcdir"/src/lib/rules_builtin.c) [ "$srcdir" = "$builddir" ] || continue ;; esac
    case " $objs " in *" $out/obj/$(basename "$c" .c).o "*) continue ;; esac
    o=$out/obj/$(basename "$c" .c).o
    # shellcheck disable=SC2086
    "$clang" $flags -c "$c" -o "$o"
    objs="$objs $o"
done
# shellcheck disable=SC2086
"$clang" -fsanitize=fuzzer,address,undefined $objs -o "$out/fuzz_ziplint" \
    ${DEP_LIBS:--lzip -lpcre2-8 -ljansson -linih -lmagic -lelf -llzma -lzstd -lz}

[ "$seconds" -gt 0 ] || exit 0
cd "$out"
parallel=
[ "$jobs" -le 1 ] || parallel="-jobs=$jobs -workers=$jobs"
# A leak is a failure too (ASan's leak check runs at exit of each crash-free run).
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    ./fuzz_ziplint -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 $parallel corpus "$srcdir/fixtures"
