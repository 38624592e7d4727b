#!/bin/sh
# faults.sh - `ziplint fix` when the world fails under it:
#  1. killed with SIGKILL while it writes a large archive (~190 MB, 5000
#     entries whose modes need fixing, made here);
#  2. a file-size limit (RLIMIT_FSIZE: the write fails with EFBIG);
#  3. a full disk (an LD_PRELOAD shim makes writes fail with ENOSPC after
#     N bytes; skipped when ziplint is linked with AddressSanitizer, whose
#     runtime must come first), the flush to disk failing (the same shim
#     makes fsync fail with EIO) and the final rename failing (EXDEV, with
#     --backup and an older backup beside the archive);
#  4. a read-only folder (a read-only tmpfs when `mount` works; as a user
#     who cannot write the folder otherwise).
# Each time the original is byte for byte intact and no temporary file
# remains; cases 2-4 exit 2 with one line on stderr naming the file.

. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
command -v python3 >/dev/null 2>&1 || skip "no python3"
export TZ=UTC0 LC_ALL=C NO_COLOR=1

# leftovers FILE: anything in FILE's folder but FILE.
leftovers() {
    ls -A "$(dirname "$1")" | grep -v -x -F "$(basename "$1")"
}

# make_zip PATH N SIZE: N stored entries of SIZE bytes, mode 0600 (ZL201
# fixes every one of them: the fix rewrites the whole archive).
make_zip() {
    python3 - "$1" "$2" "$3" <<'EOF'
import os, stat, sys, zipfile
path, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
blk = os.urandom(size)
with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
    zi = zipfile.ZipInfo("lambda_function.py", (2024, 1, 2, 3, 4, 6))
    zi.create_system = 3
    zi.external_attr = (stat.S_IFREG | 0o600) << 16
    zf.writestr(zi, "def lambda_handler(event, context):\n    return 1\n")
    for i in range(n):
        zi = zipfile.ZipInfo("pkg/mod%05d.bin" % i, (2024, 1, 2, 3, 4, 6))
        zi.create_system = 3
        zi.external_attr = (stat.S_IFREG | 0o600) << 16
        zf.writestr(zi, blk[:-8] + b"%08d" % i)
EOF
}

# expect_clean_failure WHAT FILE SHA: the last run exited 2 with one line
# on stderr naming FILE; FILE has SHA; nothing else in its folder.
expect_clean_failure() {
    what=$1 f=$2 want=$3
    if [ "$STATUS" -eq 2 ]; then pass "$what: status 2"; else fail "$what: status $STATUS, expected 2"; show_output; fi
    expect_lines "$ERR" 1
    if grep -q -F "$(basename "$f")" "$ERR"; then pass "$what: the error names the file"
    else fail "$what: the error does not name the file: $(cat "$ERR")"; fi
    if [ "$(sha256 "$f")" = "$want" ]; then pass "$what: original intact"
    else fail "$what: the original changed"; fi
    if [ -z "$(leftovers "$f")" ]; then pass "$what: nothing left behind"
    else fail "$what: left $(leftovers "$f")"; fi
}

# ---- 1. SIGKILL in the middle of the write ----
mkdir "$TMP/kill" || exit 99
big=$TMP/kill/big.zip
make_zip "$big" 5000 39000 || fail "cannot make the large archive"
before=$(sha256 "$big")
"$ZIPLINT" fix "$big" >"$OUT" 2>"$ERR" &
pid=$!
# The new archive is staged in the same folder (an unnamed O_TMPFILE, or a
# hidden name): kill once it holds more than 8 MB.
caught=0
i=0
while [ $i -lt 3000 ] && kill -0 "$pid" 2>/dev/null; do
    for fd in /proc/"$pid"/fd/*; do
        case $(readlink "$fd" 2>/dev/null) in
        "$TMP/kill/"*deleted* | "$TMP/kill/".big.zip.ziplint-*)
            sz=$(stat -L -c %s "$fd" 2>/dev/null || echo 0)
            if [ "${sz:-0}" -gt 8000000 ]; then
                kill -KILL "$pid"
                caught=1
                break 2
            fi
            ;;
        esac
    done
    i=$((i + 1))
done
wait "$pid"
st=$?
if [ "$caught" -eq 1 ] && [ "$st" -eq 137 ]; then
    pass "SIGKILL: killed while the new archive was being written"
else
    fail "SIGKILL: never caught the write under way (caught=$caught, status $st)"
fi
if [ "$(sha256 "$big")" = "$before" ]; then pass "SIGKILL: original intact"
else fail "SIGKILL: the original changed"; fi
if [ -z "$(leftovers "$big")" ]; then pass "SIGKILL: nothing left behind"
else fail "SIGKILL: left $(leftovers "$big")"; fi
# And it still fixes cleanly afterwards.
expect_status 0 "$ZIPLINT" fix "$big"
expect_status 0 unzip -tqq "$big"
rm -rf "$TMP/kill"

# A medium archive (~1 MB) for the other cases.
mkdir "$TMP/src" || exit 99
make_zip "$TMP/src/medium.zip" 50 20000 || fail "cannot make the medium archive"
new_case() {
    mkdir "$TMP/$1" && cp "$TMP/src/medium.zip" "$TMP/$1/medium.zip" && echo "$TMP/$1/medium.zip"
}
medium_sha=$(sha256 "$TMP/src/medium.zip")

# ---- 2. RLIMIT_FSIZE: 64 blocks (32 or 64 KB, by the shell's unit) ----
f=$(new_case fsize)
run sh -c 'ulimit -f 64 && exec "$0" fix "$1"' "$ZIPLINT" "$f"
expect_clean_failure "RLIMIT_FSIZE" "$f" "$medium_sha"
if grep -q -i "too large" "$ERR"; then pass "RLIMIT_FSIZE: says the file is too large"
else fail "RLIMIT_FSIZE: the cause is not 'file too large': $(cat "$ERR")"; fi

# ---- 3. ENOSPC after 100 KB ----
shim=$TMP/enospc.so
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "skip: ENOSPC shim (no C compiler)"
elif ! "$cc" -shared -fPIC -o "$shim" "${TESTS_SRCDIR:-$(dirname "$0")}/faults-enospc.c" -ldl 2>"$ERR"; then
    fail "cannot build the ENOSPC shim"
    show_output
elif LD_PRELOAD=$shim "$ZIPLINT" --version 2>&1 | grep -q -i "sanitizer\|asan"; then
    echo "skip: ENOSPC shim (ziplint is built with AddressSanitizer)"
else
    f=$(new_case enospc)
    run env LD_PRELOAD="$shim" ZL_ENOSPC_AFTER=100000 "$ZIPLINT" fix "$f"
    expect_clean_failure "ENOSPC" "$f" "$medium_sha"
    if grep -q "no space left on device" "$ERR"; then pass "ENOSPC: says the disk is full"
    else fail "ENOSPC: the cause is not 'no space left on device': $(cat "$ERR")"; fi
    # Failing at once (the first byte) is clean too.
    f2=$(new_case enospc0)
    run env LD_PRELOAD="$shim" ZL_ENOSPC_AFTER=0 "$ZIPLINT" fix "$f2"
    expect_clean_failure "ENOSPC at the first byte" "$f2" "$medium_sha"
    # The flush (on a thread of its own) failing: never renamed.
    f3=$(new_case fsync-eio)
    run env LD_PRELOAD="$shim" ZL_FSYNC_EIO=1 "$ZIPLINT" fix "$f3"
    expect_clean_failure "fsync EIO" "$f3" "$medium_sha"
    if grep -q "cannot write the new archive: input/output error (the original is unchanged)" "$ERR"
    then pass "fsync EIO: says the write failed"
    else fail "fsync EIO: the cause is not the failed write: $(cat "$ERR")"; fi
    # The very last step failing (the rename) with --backup: an older
    # backup stays as it was, and the new copy is not left behind.
    f4=$(new_case rename-fail)
    echo "an older backup" >"$f4.bak"
    run env LD_PRELOAD="$shim" ZL_RENAME_FAIL=1 "$ZIPLINT" fix --backup "$f4"
    if [ "$STATUS" -eq 2 ]; then pass "rename fails: status 2"
    else fail "rename fails: status $STATUS, expected 2"; show_output; fi
    [ "$(sha256 "$f4")" = "$medium_sha" ] && pass "rename fails: original intact" ||
        fail "rename fails: the original changed"
    [ "$(cat "$f4.bak")" = "an older backup" ] && pass "rename fails: the older backup stays" ||
        fail "rename fails: the older backup was replaced or removed"
    [ -z "$(leftovers "$f4" | grep -v -x -F "$(basename "$f4").bak")" ] &&
        pass "rename fails: nothing else left behind" || fail "rename fails: left $(leftovers "$f4")"
fi

# ---- 4. a read-only folder ----
ro=$TMP/ro
mkdir "$ro" || exit 99
ro_run=
if [ "$(id -u)" -ne 0 ]; then
    cp "$TMP/src/medium.zip" "$ro/medium.zip"
    chmod a-w "$ro"
    ro_run=plain
elif mount -t tmpfs -o size=8m ziplint-test "$ro" 2>/dev/null; then
    cp "$TMP/src/medium.zip" "$ro/medium.zip"
    if mount -o remount,ro "$ro" 2>/dev/null; then
        ro_run=plain
    else
        umount "$ro"
    fi
fi
if [ -z "$ro_run" ] && command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1 &&
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$ZIPLINT" --version >/dev/null 2>&1; then
    # Root without mount: a folder only root may write, and ziplint as nobody.
    cp "$TMP/src/medium.zip" "$ro/medium.zip"
    chmod 0755 "$ro" "$TMP"
    chmod 0644 "$ro/medium.zip"
    ro_run=nobody
fi
case $ro_run in
plain)
    run "$ZIPLINT" fix "$ro/medium.zip"
    ;;
nobody)
    run setpriv --reuid=nobody --regid=nogroup --clear-groups "$ZIPLINT" fix "$ro/medium.zip"
    ;;
*)
    echo "skip: read-only folder (cannot mount a read-only file system, and nobody cannot run ziplint)"
    ;;
esac
if [ -n "$ro_run" ]; then
    expect_clean_failure "read-only folder ($ro_run)" "$ro/medium.zip" "$medium_sha"
    if grep -q -E "read-only file system|permission denied" "$ERR"; then pass "read-only folder: says why"
    else fail "read-only folder: unclear cause: $(cat "$ERR")"; fi
    if [ "$(id -u)" -ne 0 ]; then chmod u+w "$ro"; fi
    if [ "$(id -u)" -eq 0 ] && [ "$ro_run" = plain ]; then umount "$ro"; fi
fi

finish
