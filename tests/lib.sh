# lib.sh - helpers the shell tests of the ziplint command source:
#
#   . "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
#
# The environment (set by AM_TESTS_ENVIRONMENT): ZIPLINT, the built
# binary; FIXTURES, the folder of fixture zips. A test that cannot run
# without them exits 77 (skipped), never 0.
#
# What it gives:
#   $TMP                   a private folder, removed when the test exits
#   $OUT, $ERR             stdout and stderr of the last run/expect_status
#   fail MSG               records a failure (the test goes on)
#   pass MSG               records a success
#   skip MSG               exits 77
#   run CMD...             runs CMD, stdout to $OUT, stderr to $ERR; $STATUS
#   expect_status N CMD... runs CMD and checks its exit status is N
#   expect_out ERE         $OUT has a line matching ERE (grep -E)
#   expect_out_fixed STR   $OUT contains STR (grep -F)
#   expect_no_out ERE      $OUT has no line matching ERE
#   expect_err / expect_no_err   the same for $ERR
#   expect_lines FILE N    FILE has exactly N lines
#   json_assert FILE PY    runs Python statements PY with d = the parsed
#                          JSON of FILE (and json, os, sys imported);
#                          fails when they raise (use assert)
#   sha256 FILE            prints the file's SHA-256
#   fixture NAME           prints $FIXTURES/NAME
#   need_fixtures NAME...  fails for each fixture that does not exist
#   finish                 prints the totals; exits 1 on any failure
# shellcheck shell=sh

if [ -z "${ZIPLINT:-}" ] || [ ! -x "$ZIPLINT" ]; then
    echo "SKIP: \$ZIPLINT ('${ZIPLINT:-}') is not an executable" >&2
    exit 77
fi
FIXTURES=${FIXTURES:-$(cd "$(dirname "$0")/../fixtures" 2>/dev/null && pwd)}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ziplint-test.XXXXXX") || {
    echo "ERROR: mktemp failed" >&2
    exit 99
}
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
OUT=$TMP/stdout
ERR=$TMP/stderr
STATUS=0
n_pass=0
n_fail=0

fail() {
    n_fail=$((n_fail + 1))
    echo "FAIL: $*"
}

pass() {
    n_pass=$((n_pass + 1))
    echo "ok: $*"
}

skip() {
    echo "SKIP: $*"
    exit 77
}

# Shows the last command's output, for a failure's context.
show_output() {
    sed -n '1,20s/^/  out| /p' "$OUT"
    sed -n '1,20s/^/  err| /p' "$ERR"
}

run() {
    "$@" >"$OUT" 2>"$ERR"
    STATUS=$?
}

expect_status() {
    want=$1
    shift
    run "$@"
    if [ "$STATUS" -eq "$want" ]; then
        pass "status $want: $*"
        return 0
    fi
    fail "status $STATUS, expected $want: $*"
    show_output
    return 1
}

# has FILE FLAG PATTERN: grep with FLAG (-E or -F), pattern given with -e.
has() {
    grep -q "$2" -e "$3" "$1"
}

expect_out() {
    if has "$OUT" -E "$1"; then
        pass "stdout matches $1"
    else
        fail "stdout does not match $1"
        show_output
    fi
}

expect_out_fixed() {
    if has "$OUT" -F "$1"; then
        pass "stdout contains $1"
    else
        fail "stdout does not contain $1"
        show_output
    fi
}

expect_no_out() {
    if has "$OUT" -E "$1"; then
        fail "stdout matches $1 (it must not)"
        show_output
    else
        pass "stdout does not match $1"
    fi
}

expect_err() {
    if has "$ERR" -E "$1"; then
        pass "stderr matches $1"
    else
        fail "stderr does not match $1"
        show_output
    fi
}

expect_no_err() {
    if has "$ERR" -E "$1"; then
        fail "stderr matches $1 (it must not)"
        show_output
    else
        pass "stderr does not match $1"
    fi
}

expect_lines() {
    n=$(wc -l <"$1" | tr -d ' ')
    if [ "$n" -eq "$2" ]; then
        pass "$(basename "$1") has $2 lines"
    else
        fail "$(basename "$1") has $n lines, expected $2"
        sed -n '1,20s/^/  | /p' "$1"
    fi
}

json_assert() {
    label=$(printf '%s\n' "$2" | sed -n '/[^ ]/{p;q;}')
    if python3 -c '
import json, os, sys
with open(sys.argv[1], "rb") as fp:
    d = json.load(fp)
exec(sys.argv[2])
' "$1" "$2" 2>"$TMP/json_err"; then
        pass "json: $label"
    else
        fail "json: $label"
        sed -n '1,20s/^/  | /p' "$TMP/json_err"
    fi
}

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d' ' -f1
    else
        python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"
    fi
}

fixture() {
    echo "$FIXTURES/$1"
}

# Records a failure for each fixture that does not exist (call it in the
# test's own shell, not in $(...), or the count is lost).
need_fixtures() {
    for f in "$@"; do
        [ -f "$FIXTURES/$f" ] || fail "fixture $f is missing in $FIXTURES"
    done
}

finish() {
    echo "$n_pass passed, $n_fail failed"
    [ "$n_fail" -eq 0 ] || exit 1
    exit 0
}
