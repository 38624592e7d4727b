#!/bin/sh
# damaged.sh - archives that cannot be read: `check` and `fix` exit 2 with
# one line on stderr naming the file and the cause, leave the file as it
# was and leave nothing behind; other archives on the command line are
# still processed. A fix of an archive with a corrupt entry is refused
# (status 1) and writes nothing.

# ---- small helpers ----
[ -n "$ZIPLINT" ] && [ -x "$ZIPLINT" ] || { echo "SKIP: ZIPLINT not executable"; exit 77; }
FIXTURES=${FIXTURES:-$(dirname "$0")/../fixtures}
export TZ=UTC0 LC_ALL=C NO_COLOR=1
T=$(mktemp -d /tmp/zl-damaged-XXXXXX) || exit 99
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }
pass() { echo "ok: $*"; }
sha() { if [ -d "$1" ]; then echo dir; else sha256sum <"$1" | cut -d' ' -f1; fi; }
size_of() { wc -c <"$1" | tr -d ' '; }
# u32/u16 little-endian at offset
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
u16() { od -An -tu2 -j "$2" -N2 "$1" | tr -d ' '; }
poke() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }
# Each case has its own folder: anything in it but the archive is a
# leftover temporary file.
leftovers() { ls -A "$(dirname "$1")" | grep -v -x -F "$(basename "$1")"; }
case_dir() { mkdir "$T/$1" && echo "$T/$1"; }

# expect_unreadable NAME DESCRIPTION: check and fix both exit 2, say so in
# one line naming the file, change nothing, leave nothing.
expect_unreadable() {
    f=$1
    before=$(sha "$f")
    for cmd in check fix; do
        "$ZIPLINT" $cmd "$f" >"$T/out" 2>"$T/err"
        st=$?
        [ $st -eq 2 ] || fail "$2: $cmd status $st, expected 2"
        [ "$(wc -l <"$T/err" | tr -d ' ')" -eq 1 ] || fail "$2: $cmd stderr is not one line: $(cat "$T/err")"
        grep -q -F "$(basename "$f")" "$T/err" || fail "$2: $cmd stderr does not name the file: $(cat "$T/err")"
        [ "$(sha "$f")" = "$before" ] || fail "$2: $cmd changed the file"
        [ -z "$(leftovers "$f")" ] || fail "$2: $cmd left $(leftovers "$f")"
    done
    # The other archives on the command line are still processed.
    "$ZIPLINT" check "$f" "$T/good.zip" >"$T/out" 2>"$T/err"
    st=$?
    [ $st -eq 2 ] || fail "$2: check with a good archive: status $st, expected 2"
    grep -q "good.zip" "$T/out" || fail "$2: the good archive was not reported"
    [ "$failed" -eq 0 ] && pass "$2"
    return 0
}

cp "$FIXTURES/zl201-ok-clean.zip" "$T/good.zip" || exit 99
src=$FIXTURES/zl101-fire-wrapper.zip

f=$(case_dir empty)/empty.zip
: >"$f"
expect_unreadable "$f" "zero-byte file"

f=$(case_dir text)/text.zip
printf 'this is not a zip archive\n' >"$f"
expect_unreadable "$f" "text file"

f=$(case_dir trunc)/trunc.zip
head -c 200 "$src" >"$f"
expect_unreadable "$f" "truncated zip"

# The central directory's offset (end record +16) points past the end.
f=$(case_dir cdoff)/cdoff.zip
cp "$src" "$f"
n=$(size_of "$f")
[ "$(u32 "$f" $((n - 22)))" = 101010256 ] || fail "fixture has an archive comment"
poke "$f" $((n - 22 + 16)) '\377\377\377\017'
expect_unreadable "$f" "central directory offset out of range"

# The central directory's first record is overwritten.
f=$(case_dir cdbad)/cdbad.zip
cp "$src" "$f"
n=$(size_of "$f")
cd_off=$(u32 "$f" $((n - 22 + 16)))
poke "$f" "$cd_off" 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXX'
expect_unreadable "$f" "corrupted central directory"

f=$(case_dir folder)/folder.zip
mkdir "$f"
expect_unreadable "$f" "a directory"

if [ "$(id -u)" -ne 0 ]; then
    f=$(case_dir noread)/noread.zip
    cp "$src" "$f"
    chmod 000 "$f"
    expect_unreadable "$f" "unreadable file"
    chmod 644 "$f"
else
    echo "skip: unreadable file (running as root)"
fi

# ---- a corrupt entry: reported with --verify, fix refused ----
f=$(case_dir corrupt)/corrupt.zip
cp "$FIXTURES/zl201-fire-private-modes.zip" "$f"
method=$(u16 "$f" 8)
[ "$method" = 8 ] || fail "the fixture's first entry is not deflated (method $method)"
csize=$(u32 "$f" 18)
off=$((30 + $(u16 "$f" 26) + $(u16 "$f" 28) + csize / 2))
byte=$(od -An -tu1 -j "$off" -N1 "$f" | tr -d ' ')
poke "$f" "$off" "\\$(printf '%03o' $(((byte + 85) % 256)))"
before=$(sha "$f")

"$ZIPLINT" check --select ZL606 "$f" >"$T/out" 2>"$T/err"
st=$?
[ $st -eq 0 ] || fail "corrupt entry: check without --verify: status $st, expected 0"
"$ZIPLINT" check --verify "$f" >"$T/out" 2>"$T/err"
st=$?
[ $st -eq 1 ] || fail "corrupt entry: check --verify: status $st, expected 1"
grep -q ZL606 "$T/out" || fail "corrupt entry: check --verify does not report ZL606"
"$ZIPLINT" fix "$f" >"$T/out" 2>"$T/err"
st=$?
[ $st -eq 1 ] || fail "corrupt entry: fix status $st, expected 1 (refused)"
grep -q -i "refused" "$T/out" "$T/err" || fail "corrupt entry: fix does not say it refused"
[ "$(sha "$f")" = "$before" ] || fail "corrupt entry: fix changed the file"
[ -z "$(leftovers "$f")" ] || fail "corrupt entry: fix left $(leftovers "$f")"
# With --backup, a refused fix writes no backup: an older one stays as it was.
echo "an older backup" >"$f.bak"
"$ZIPLINT" fix --backup "$f" >"$T/out" 2>"$T/err"
st=$?
[ $st -eq 1 ] || fail "corrupt entry: fix --backup status $st, expected 1 (refused)"
[ "$(cat "$f.bak")" = "an older backup" ] || fail "corrupt entry: fix --backup replaced the older backup"
[ "$(sha "$f")" = "$before" ] || fail "corrupt entry: fix --backup changed the file"
rm -f "$f.bak"
[ "$failed" -eq 0 ] && pass "corrupt entry refused"

exit $failed
