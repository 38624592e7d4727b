#!/bin/sh
# corpus.sh - ziplint on archives nobody made for it: libzip's own
# regression suite (../shared/corpus/libzip-regress). For every archive,
# `check`, `check --verify` and `fix` (on a copy in a folder of its own):
#  - no crash (status >= 128, sanitizer output) and no hang (20 s);
#  - every status is 0, 1 or 2, and a status-2 message names the file;
#  - check never changes the file; a failed or refused fix leaves it byte
#    for byte unchanged; a rewritten file passes `unzip -t`;
#  - nothing is left in the folder but the archive.
# Skipped (77) when the corpus folder is absent.

. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

CORPUS=${SHARED_DIR:-$(dirname "$0")/../../shared}/corpus/libzip-regress
[ -d "$CORPUS" ] || skip "no corpus at $CORPUS"
command -v unzip >/dev/null 2>&1 || skip "no unzip"
command -v timeout >/dev/null 2>&1 || skip "no timeout"
export TZ=UTC0 LC_ALL=C NO_COLOR=1

# unzip -t's status; a UTF-8 locale, or unzip escapes UTF-8 names in the
# central directory but not in the local header and reports a mismatch.
unzip_t() {
    LC_ALL=C.UTF-8 unzip -tqq "$1" >/dev/null 2>&1
}

sanitizer_said() {
    grep -q -E 'ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer' "$1"
}

n=0
for src in "$CORPUS"/*; do
    [ -f "$src" ] || continue
    case $src in *.zip | *.ZIP | *.jar | *.apk) ;; *) continue ;; esac
    n=$((n + 1))
    name=$(basename "$src")
    dir=$TMP/case-$n
    mkdir "$dir" || exit 99
    f=$dir/$name
    cp "$src" "$f" || exit 99
    orig=$(sha256 "$f")
    bad=0
    for cmd in check "check --verify" fix; do
        # shellcheck disable=SC2086
        timeout 20 "$ZIPLINT" $cmd "$f" >"$OUT" 2>"$ERR"
        st=$?
        what="$name: $cmd"
        if [ "$st" -eq 124 ]; then
            fail "$what: hung (killed after 20 s)"
            bad=1
            continue
        fi
        if [ "$st" -ge 3 ] || sanitizer_said "$ERR"; then
            fail "$what: crashed or sanitizer error (status $st)"
            show_output
            bad=1
            continue
        fi
        if [ "$st" -eq 2 ] && ! grep -q -F "$name" "$ERR"; then
            fail "$what: status 2 but stderr does not name the file"
            show_output
            bad=1
        fi
        now=$(sha256 "$f")
        if [ "$cmd" != fix ] || [ "$st" -eq 2 ] || grep -q 'fix refused' "$ERR"; then
            if [ "$now" != "$orig" ]; then
                fail "$what: status $st but the file changed"
                bad=1
                cp "$src" "$f"
            fi
        elif [ "$now" != "$orig" ]; then
            # unzip's warnings (status 1: bytes before the archive, a zip
            # in the comment) pass when the original had them too.
            unzip_t "$f"
            ust=$?
            if [ "$ust" -ne 0 ] && { [ "$ust" -ne 1 ] || [ "$(unzip_t "$src"; echo $?)" -ne 1 ]; }; then
                fail "$what: the rewritten archive fails unzip -t (status $ust)"
                unzip -t "$f" 2>&1 | sed -n '1,10s/^/  | /p'
                bad=1
            fi
        fi
        left=$(ls -A "$dir" | grep -v -x -F "$name")
        if [ -n "$left" ]; then
            fail "$what: left $left"
            bad=1
        fi
    done
    [ "$bad" -eq 0 ] && pass "$name"
    rm -rf "$dir"
done
[ "$n" -gt 0 ] || fail "no archives in $CORPUS"
finish
