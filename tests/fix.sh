#!/bin/sh
# fix.sh - `ziplint fix` judged by reading the result back: `unzip -t`
# passes, `unzip -Z` shows the new names and modes, the rule no longer
# fires, every kept file's bytes are unchanged, the archive keeps its file
# mode, a symlinked path stays a symlink, an archive needing no change is
# not rewritten, and nothing is left behind.

# ---- small helpers ----
[ -n "$ZIPLINT" ] && [ -x "$ZIPLINT" ] || { echo "SKIP: ZIPLINT not executable"; exit 77; }
command -v unzip >/dev/null 2>&1 || { echo "SKIP: no unzip"; exit 77; }
FIXTURES=${FIXTURES:-$(dirname "$0")/../fixtures}
export TZ=UTC0 LC_ALL=C NO_COLOR=1
T=$(mktemp -d /tmp/zl-fix-XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }
pass() { echo "ok: $*"; }
sha() { sha256sum <"$1" | cut -d' ' -f1; }
# new_case FIXTURE: a copy in a folder of its own; prints its path.
new_case() {
    d=$(mktemp -d "$T/case-XXXXXX") && cp "$FIXTURES/$1" "$d/$1" && echo "$d/$1"
}
# leftovers FILE [OTHER]: anything in FILE's folder but FILE (and OTHER).
leftovers() {
    ls -A "$(dirname "$1")" | grep -v -x -F -e "$(basename "$1")" -e "${2:-$(basename "$1")}"
}
extract() { rm -rf "$2" && mkdir -p "$2" && unzip -q -o "$1" -d "$2" >/dev/null 2>&1; }
# zipinfo line of one entry: "-rw-r--r--  3.0 unx ... name"
mode_of() { unzip -Z "$1" "$2" 2>/dev/null | awk 'NR==1 {print $1}'; }
# expect_status WANT DESCRIPTION CMD...: runs CMD, checks its exit status.
expect_status() {
    want=$1 what=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    st=$?
    [ "$st" -eq "$want" ] || { fail "$what: status $st, expected $want"; sed 's/^/    /' "$T/out" "$T/err"; }
}

# ---- modes only: the private-modes fixture ----
f=$(new_case zl201-fire-private-modes.zip)
chmod 0640 "$f"
extract "$f" "$T/before1"
expect_status 0 "private modes: fix" "$ZIPLINT" fix "$f"
expect_status 0 "private modes: unzip -t" unzip -tq "$f"
for e in lambda_function.py mylib/__init__.py mylib/util.py; do
    [ "$(mode_of "$f" "$e")" = "-rw-r--r--" ] || fail "private modes: $e is $(mode_of "$f" "$e")"
done
[ "$(mode_of "$f" mylib/)" = "drwxr-xr-x" ] || fail "private modes: mylib/ is $(mode_of "$f" mylib/)"
expect_status 0 "private modes: check after the fix" "$ZIPLINT" check --fail-on warning "$f"
grep -q "ZL20[12]" "$T/out" && fail "private modes: ZL201/ZL202 still fire"
extract "$f" "$T/after1"
diff -r "$T/before1" "$T/after1" >/dev/null || fail "private modes: extracted bytes differ"
[ "$(stat -c %a "$f")" = 640 ] || fail "private modes: file mode is $(stat -c %a "$f"), expected 640"
[ -z "$(leftovers "$f")" ] || fail "private modes: left $(leftovers "$f")"
[ "$failed" -eq 0 ] && pass "modes fixed, bytes kept, file mode kept"

# ---- re-rooting: every kept file lands one folder up, bytes unchanged ----
f=$(new_case zl101-fire-wrapper.zip)
extract "$f" "$T/before2"
expect_status 0 "wrapper: fix --select ZL101" "$ZIPLINT" fix --select ZL101 "$f"
expect_status 0 "wrapper: unzip -t" unzip -tq "$f"
unzip -Z1 "$f" | grep -q '^lambdaPackage/' && fail "wrapper: entries still under lambdaPackage/"
unzip -Z1 "$f" | grep -q -x 'lambda_function.py' || fail "wrapper: no lambda_function.py at the root"
extract "$f" "$T/after2"
diff -r "$T/before2/lambdaPackage" "$T/after2" >/dev/null || fail "wrapper: re-rooted bytes differ"
expect_status 0 "wrapper: check --select ZL101 after" "$ZIPLINT" check --select ZL101 --fail-on info "$f"
[ -z "$(leftovers "$f")" ] || fail "wrapper: left $(leftovers "$f")"
[ "$failed" -eq 0 ] && pass "re-rooted"

# ---- every safe fix together on the same archive ----
f=$(new_case zl101-fire-wrapper.zip)
expect_status 0 "wrapper, all rules: fix" "$ZIPLINT" fix "$f"
expect_status 0 "wrapper, all rules: unzip -t" unzip -tq "$f"
unzip -Z1 "$f" | grep -q 'RECORD$' && fail "wrapper, all rules: RECORD kept (ZL402)"
expect_status 0 "wrapper, all rules: check after" "$ZIPLINT" check --select ZL101,ZL402 --fail-on info "$f"
extract "$f" "$T/after3"
for e in lambda_function.py requests/__init__.py requests/api.py; do
    cmp -s "$T/before2/lambdaPackage/$e" "$T/after3/$e" || fail "wrapper, all rules: $e differs"
done
[ "$failed" -eq 0 ] && pass "re-rooted and slimmed in one pass"

# ---- backslashes ----
if [ -f "$FIXTURES/zl105-fire-backslash.zip" ]; then
    f=$(new_case zl105-fire-backslash.zip)
    expect_status 0 "backslash: fix" "$ZIPLINT" fix --select ZL105 "$f"
    expect_status 0 "backslash: unzip -t" unzip -tq "$f"
    unzip -Z1 "$f" | grep -q '\\' && fail "backslash: a name still has '\\'"
    unzip -Z1 "$f" | grep -q -x 'pkg/__init__.py' || fail "backslash: no pkg/__init__.py"
    expect_status 0 "backslash: check after" "$ZIPLINT" check --select ZL105 --fail-on info "$f"
    [ "$failed" -eq 0 ] && pass "backslashes turned into slashes"
fi

# ---- an archive that needs no change is not rewritten ----
f=$(new_case zl201-ok-clean.zip)
before=$(stat -c '%i %Y' "$f") sum=$(sha "$f")
sleep 1
expect_status 0 "clean: fix" "$ZIPLINT" fix --select ZL2 "$f"
[ "$(stat -c '%i %Y' "$f")" = "$before" ] || fail "clean: rewritten (inode or mtime changed)"
[ "$(sha "$f")" = "$sum" ] || fail "clean: bytes changed"
[ "$failed" -eq 0 ] && pass "nothing to change: not rewritten"

# ---- --dry-run writes nothing ----
f=$(new_case zl201-fire-private-modes.zip)
sum=$(sha "$f")
"$ZIPLINT" fix --dry-run "$f" >"$T/out" 2>"$T/err"
grep -q "mode lambda_function.py 0600 -> 0644" "$T/out" || fail "dry run: the change is not printed"
[ "$(sha "$f")" = "$sum" ] || fail "dry run: the file changed"
[ -z "$(leftovers "$f")" ] || fail "dry run: left $(leftovers "$f")"
[ "$failed" -eq 0 ] && pass "dry run"

# ---- a symlinked archive: the file it points to is rewritten ----
f=$(new_case zl201-fire-private-modes.zip)
d=$(dirname "$f")
ln -s zl201-fire-private-modes.zip "$d/link.zip"
expect_status 0 "symlink: fix" "$ZIPLINT" fix "$d/link.zip"
[ -L "$d/link.zip" ] || fail "symlink: the link was replaced"
[ "$(mode_of "$f" lambda_function.py)" = "-rw-r--r--" ] || fail "symlink: target not fixed"
[ -z "$(leftovers "$f" link.zip)" ] || fail "symlink: left $(leftovers "$f" link.zip)"
[ "$failed" -eq 0 ] && pass "symlink kept"

# ---- --output: the original is left alone ----
f=$(new_case zl201-fire-private-modes.zip)
d=$(dirname "$f")
sum=$(sha "$f")
expect_status 0 "output: fix --output" "$ZIPLINT" fix --output "$d/out.zip" "$f"
[ "$(sha "$f")" = "$sum" ] || fail "output: the original changed"
[ -f "$d/out.zip" ] && [ "$(mode_of "$d/out.zip" lambda_function.py)" = "-rw-r--r--" ] ||
    fail "output: out.zip missing or not fixed"
[ -z "$(leftovers "$f" out.zip)" ] || fail "output: left $(leftovers "$f" out.zip)"
[ "$failed" -eq 0 ] && pass "--output"

# ---- several archives: an unreadable one does not stop the others ----
f=$(new_case zl201-fire-private-modes.zip)
d=$(dirname "$f")
: >"$d/empty.zip"
expect_status 2 "several: fix" "$ZIPLINT" fix "$d/empty.zip" "$f"
[ "$(mode_of "$f" lambda_function.py)" = "-rw-r--r--" ] || fail "several: the good archive was not fixed"
[ -s "$d/empty.zip" ] && fail "several: the empty file was written"
[ -z "$(leftovers "$f" empty.zip)" ] || fail "several: left $(leftovers "$f" empty.zip)"
[ "$failed" -eq 0 ] && pass "an unreadable archive does not stop the others"

# ---- one file given twice (and through a symlink) with -j: fixed once ----
f=$(new_case zl201-fire-private-modes.zip)
d=$(dirname "$f")
sum=$(sha "$f")
ln -s zl201-fire-private-modes.zip "$d/link.zip"
expect_status 0 "same file twice: fix -j 3 --backup" "$ZIPLINT" fix -j 3 --backup "$f" "$f" "$d/link.zip"
[ "$(sha "$f.bak")" = "$sum" ] || fail "same file twice: the backup is not the original"
[ "$(grep -c 'the same file as' "$T/err")" -eq 2 ] ||
    fail "same file twice: expected 2 'the same file as' lines in: $(cat "$T/err")"
grep -q "^ziplint: $d/link.zip: skipped: the same file as $f, which is fixed only once\$" "$T/err" ||
    fail "same file twice: no line for the link in: $(cat "$T/err")"
[ "$(grep -c "^$f: " "$T/out")" -eq 1 ] || fail "same file twice: reported other than once"
[ "$(mode_of "$f" lambda_function.py)" = "-rw-r--r--" ] || fail "same file twice: not fixed"
[ -z "$(leftovers "$f" zl201-fire-private-modes.zip.bak | grep -v -x link.zip)" ] ||
    fail "same file twice: left $(leftovers "$f")"
[ "$failed" -eq 0 ] && pass "same file twice: fixed once, backup of the original"

# ---- a folder that cannot be written: refused with a message, file kept ----
if [ "$(id -u)" -ne 0 ]; then
    f=$(new_case zl201-fire-private-modes.zip)
    d=$(dirname "$f")
    sum=$(sha "$f")
    chmod 555 "$d"
    expect_status 2 "read-only folder: fix" "$ZIPLINT" fix "$f"
    chmod 755 "$d"
    grep -q "permission denied" "$T/err" || fail "read-only folder: no 'permission denied' in: $(cat "$T/err")"
    [ "$(sha "$f")" = "$sum" ] || fail "read-only folder: the file changed"
    [ "$failed" -eq 0 ] && pass "read-only folder"
else
    echo "skip: read-only folder (running as root)"
fi

exit $failed
