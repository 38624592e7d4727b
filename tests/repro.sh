#!/bin/sh
# repro.sh - `fix --reproducible`: the same package built twice, with
# different timestamps and file orders, by two different zip writers
# (Info-ZIP zip and Python's zipfile), converges to one sha256; the result
# is canonical (ZL701 quiet), passes `unzip -t`, and fixing it again leaves
# it untouched; SOURCE_DATE_EPOCH is honoured and clamped; stale
# timestamp-validated .pyc are removed and said so; more than 65,535
# entries get zip64 end records.
# shellcheck disable=SC1091,SC2015 # pass and fail always succeed
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

for t in zip unzip zipinfo python3; do
    command -v $t >/dev/null 2>&1 || skip "$t is missing"
done
export TZ=UTC0 LC_ALL=C NO_COLOR=1
unset SOURCE_DATE_EPOCH
umask 022
need_fixtures zl401-fire-stale.zip

# ---- one package, two builds ----
make_tree() { # DIR TOUCH_TIME
    mkdir -p "$1/pkg/sub" "$1/bin"
    printf 'import pkg.mod\n\ndef lambda_handler(event, context):\n    return pkg.mod.X\n' >"$1/lambda_function.py"
    printf '' >"$1/pkg/__init__.py"
    printf 'X = 42\n' >"$1/pkg/mod.py"
    seq 1 3000 >"$1/pkg/sub/data.txt"
    printf '#!/bin/sh\necho run\n' >"$1/bin/run"
    chmod 0755 "$1/bin/run"
    find "$1" -type f -exec touch -d "$2" {} +
    # bytecode compiled against these times (timestamp-validated)
    python3 -m compileall -q "$1/pkg" >/dev/null
    find "$1" -exec touch -h -d "$2" {} +
}
make_tree "$TMP/t1" '2021-03-04 05:06:07'
make_tree "$TMP/t2" '2023-07-08 09:10:11'

# A: Info-ZIP, folder entries, UT/ux extra fields, readdir order
(cd "$TMP/t1" && zip -qr "$TMP/a.zip" .) || fail "zip failed"
# B: Python's zipfile, files only, reverse order, another level
python3 - "$TMP/t2" "$TMP/b.zip" <<'EOF' || fail "zipfile failed"
import os, sys, zipfile
root, out = sys.argv[1:3]
names = []
for d, _, files in os.walk(root):
    names += [os.path.relpath(os.path.join(d, f), root) for f in files]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    for n in sorted(names, reverse=True):
        z.write(os.path.join(root, n), n)
EOF
[ "$(sha256 "$TMP/a.zip")" != "$(sha256 "$TMP/b.zip")" ] && pass "the two builds differ" ||
    fail "the two builds are already identical"
cp "$TMP/a.zip" "$TMP/a.orig.zip"
cp "$TMP/b.zip" "$TMP/b.orig.zip"

# check --reproducible reports ZL701 (info: the exit status stays 0)
expect_status 0 "$ZIPLINT" check --reproducible --format json "$TMP/a.zip"
cp "$OUT" "$TMP/a-check.json"
json_assert "$TMP/a-check.json" '
f = [f for f in d["archives"][0]["findings"] if f["code"] == "ZL701"]
assert len(f) == 1 and f[0]["severity"] == "info", f'
# without --reproducible ZL701 stays quiet
expect_status 0 "$ZIPLINT" check --format json "$TMP/a.zip"
cp "$OUT" "$TMP/a-plain.json"
json_assert "$TMP/a-plain.json" '
assert all(f["code"] != "ZL701" for f in d["archives"][0]["findings"])'

expect_status 0 "$ZIPLINT" fix --reproducible "$TMP/a.zip"
expect_out_fixed "ZL701"
expect_status 0 "$ZIPLINT" fix --reproducible "$TMP/b.zip"
ha=$(sha256 "$TMP/a.zip")
hb=$(sha256 "$TMP/b.zip")
[ "$ha" = "$hb" ] && pass "Info-ZIP and zipfile builds converge to $ha" ||
    fail "the fixed builds differ: $ha vs $hb"

run unzip -tq "$TMP/a.zip"
[ "$STATUS" -eq 0 ] && pass "unzip -t passes" || { fail "unzip -t fails"; show_output; }
run zipinfo -T "$TMP/a.zip"
expect_out '^drwxr-xr-x .* unx +0 b- stor 19800101\.000000 bin/$'
expect_out '^-rwxr-xr-x .* 19800101\.000000 bin/run$'
expect_out '^-rw-r--r-- .* defN 19800101\.000000 pkg/sub/data\.txt$'
expect_out '^drwxr-xr-x .* 19800101\.000000 pkg/sub/$'
expect_no_out '__pycache__'
expect_no_out ' 20(21|23)'
# names in byte order
zipinfo -1 "$TMP/a.zip" >"$TMP/names"
LC_ALL=C sort -c "$TMP/names" 2>/dev/null && pass "entries sorted by name" ||
    fail "entries not sorted: $(tr '\n' ' ' <"$TMP/names")"
expect_lines "$TMP/names" 8

# canonical: check is quiet, a second fix does not touch the file
expect_status 0 "$ZIPLINT" check --reproducible --format json "$TMP/a.zip"
cp "$OUT" "$TMP/a-check2.json"
json_assert "$TMP/a-check2.json" '
assert d["archives"][0]["findings"] == [], d["archives"][0]["findings"]'
before=$(stat -c '%i %Y %s' "$TMP/a.zip")
expect_status 0 "$ZIPLINT" fix --reproducible "$TMP/a.zip"
after=$(stat -c '%i %Y %s' "$TMP/a.zip")
[ "$before" = "$after" ] && pass "a second fix leaves it untouched (inode, mtime)" ||
    fail "a second fix rewrote it ($before -> $after)"

# a plain fix first, then --reproducible: the same bytes
cp "$TMP/a.orig.zip" "$TMP/c.zip"
expect_status 0 "$ZIPLINT" fix "$TMP/c.zip"
expect_status 0 "$ZIPLINT" fix --reproducible "$TMP/c.zip"
[ "$(sha256 "$TMP/c.zip")" = "$ha" ] && pass "fix then fix --reproducible gives the same bytes" ||
    fail "fix then fix --reproducible differs"

# ---- SOURCE_DATE_EPOCH ----
sde_fix() { # VALUE NAME
    cp "$TMP/$2.orig.zip" "$TMP/$2-$1.zip"
    SOURCE_DATE_EPOCH=$1 "$ZIPLINT" fix --reproducible "$TMP/$2-$1.zip" >"$OUT" 2>"$ERR"
    STATUS=$?
}
sde_fix 1700000001 a
[ "$STATUS" -eq 0 ] || fail "fix with SOURCE_DATE_EPOCH exited $STATUS"
sde_fix 1700000001 b
h1=$(sha256 "$TMP/a-1700000001.zip")
[ "$h1" = "$(sha256 "$TMP/b-1700000001.zip")" ] && pass "SOURCE_DATE_EPOCH: both builds converge" ||
    fail "SOURCE_DATE_EPOCH: the builds differ"
[ "$h1" != "$ha" ] && pass "SOURCE_DATE_EPOCH changes the bytes" || fail "SOURCE_DATE_EPOCH ignored"
run zipinfo -T "$TMP/a-1700000001.zip"
expect_out ' 20231114\.221320 lambda_function\.py$'
expect_no_out ' 1980'
SOURCE_DATE_EPOCH=1700000001 "$ZIPLINT" check --reproducible "$TMP/a-1700000001.zip" >"$OUT" 2>&1
grep -q ZL701 "$OUT" && fail "ZL701 fires on its own output under SOURCE_DATE_EPOCH" ||
    pass "ZL701 quiet under the same SOURCE_DATE_EPOCH"
run "$ZIPLINT" check --reproducible "$TMP/a-1700000001.zip"
expect_out 'ZL701 nondeterministic: .*times not 1980-01-01 00:00:00 UTC'
# clamped: before 1980 is 1980, after 2107 is 2107-12-31 23:59:58
sde_fix 0 a
[ "$(sha256 "$TMP/a-0.zip")" = "$ha" ] && pass "SOURCE_DATE_EPOCH=0 is clamped to 1980" ||
    fail "SOURCE_DATE_EPOCH=0 not clamped"
sde_fix 99999999999 a
run zipinfo -T "$TMP/a-99999999999.zip"
expect_out ' 21071231\.235958 lambda_function\.py$'
sde_fix junk a
[ "$STATUS" -ne 0 ] && pass "a bad SOURCE_DATE_EPOCH is an error (status $STATUS)" ||
    fail "a bad SOURCE_DATE_EPOCH was accepted"
cmp -s "$TMP/a-junk.zip" "$TMP/a.orig.zip" && pass "... and the archive is untouched" ||
    fail "a bad SOURCE_DATE_EPOCH changed the archive"

# ---- a write that fails half way: the original intact, nothing left ----
mkdir "$TMP/full"
cp "$TMP/a.orig.zip" "$TMP/full/p.zip"
head -c 300000 /dev/urandom >"$TMP/full/blob.bin"
(cd "$TMP/full" && zip -q p.zip blob.bin && rm blob.bin)
cp "$TMP/full/p.zip" "$TMP/p.before.zip"
(ulimit -f 200 && "$ZIPLINT" fix --reproducible "$TMP/full/p.zip") >"$OUT" 2>"$ERR"
STATUS=$?
[ "$STATUS" -eq 2 ] && pass "a write over RLIMIT_FSIZE fails with status 2" ||
    { fail "a write over RLIMIT_FSIZE exited $STATUS"; show_output; }
expect_err 'cannot write the new archive: file too large \(the original is unchanged\)'
cmp -s "$TMP/full/p.zip" "$TMP/p.before.zip" && pass "... the original is unchanged" ||
    fail "the failed write changed the original"
[ "$(ls -A "$TMP/full")" = "p.zip" ] && pass "... and no temporary file is left" ||
    fail "left behind: $(ls -A "$TMP/full")"

# ---- stale timestamp-validated .pyc ----
cp "$(fixture zl401-fire-stale.zip)" "$TMP/stale.zip"
expect_status 0 "$ZIPLINT" fix --reproducible --ignore ZL401 "$TMP/stale.zip"
expect_out_fixed "remove 5 timestamp-validated .pyc it would make stale"
zipinfo -1 "$TMP/stale.zip" | grep '\.pyc$' >"$TMP/pycs"
expect_lines "$TMP/pycs" 1
grep -qx 'pkg/__pycache__/hashed.cpython-311.pyc' "$TMP/pycs" &&
    pass "the hash-based .pyc stays" || fail "the hash-based .pyc went"
run "$ZIPLINT" check --runtime python3.11 "$(fixture zl401-fire-stale.zip)"
expect_out_fixed "1 of them for another CPython than python3.11; 3 timestamp-validated against a .py whose mtime or size they do not match"

# ---- more than 65,535 entries: the canonical form needs zip64 end records ----
python3 - "$TMP/many.zip" <<'EOF' || fail "zipfile failed"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("lambda_function.py", "def lambda_handler(event, context):\n    return 1\n")
    for i in range(70000):
        z.writestr("pkg/m%d/f%d.py" % (i // 1000, i), "X = %d\n" % i)
EOF
expect_status 0 "$ZIPLINT" fix --reproducible "$TMP/many.zip"
unzip -tq "$TMP/many.zip" >/dev/null 2>&1 && pass "70,072 entries: unzip -t passes" ||
    fail "70,072 entries: unzip -t fails"
if python3 - "$TMP/many.zip" <<'EOF'; then
import struct, sys, zipfile
data = open(sys.argv[1], "rb").read()
eocd = data.rindex(b"PK\x05\x06")
loc = data.rindex(b"PK\x06\x07", 0, eocd)
assert loc == eocd - 20, "the zip64 locator does not precede the end record"
(z64,) = struct.unpack_from("<Q", data, loc + 8)
assert data[z64:z64 + 4] == b"PK\x06\x06", "no zip64 end record where the locator says"
n_disk, n_total = struct.unpack_from("<QQ", data, z64 + 24)
assert n_disk == n_total == 70072, (n_disk, n_total)
assert struct.unpack_from("<HH", data, eocd + 8) == (0xFFFF, 0xFFFF), "end record counts"
names = zipfile.ZipFile(sys.argv[1]).namelist()
assert names == sorted(names, key=lambda n: n.encode()), "not in name order"
assert sum(1 for n in names if not n.endswith("/")) == 70001
EOF
    pass "zip64 end records: 70,072 entries, 70,001 files, in name order"
else
    fail "zip64 end records wrong"
fi
cp "$TMP/many.zip" "$TMP/many.once.zip"
expect_status 0 "$ZIPLINT" check --select ZL701 "$TMP/many.zip"
expect_status 0 "$ZIPLINT" fix --reproducible "$TMP/many.zip"
cmp -s "$TMP/many.zip" "$TMP/many.once.zip" && pass "70,072 entries: a second fix changes nothing" ||
    fail "70,072 entries: a second fix changed the bytes"

# ---- a fifo the plan keeps (its rules ignored): the canonical form cannot
# hold it, so the planner refuses, on a dry run as on the real fix ----
python3 - "$TMP/fifo.zip" <<'EOF' || fail "zipfile failed"
import stat, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for name, mode, data in [("lambda_function.py", stat.S_IFREG | 0o600, "x = 1\n"),
                             ("pipe", stat.S_IFIFO | 0o644, "")]:
        zi = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
        zi.create_system = 3
        zi.external_attr = mode << 16
        z.writestr(zi, data)
EOF
cp "$TMP/fifo.zip" "$TMP/fifo.orig.zip"
for dry in --dry-run ""; do
    # shellcheck disable=SC2086 # $dry is one word or none
    expect_status 1 "$ZIPLINT" fix --reproducible --ignore ZL205,ZL701 $dry "$TMP/fifo.zip"
    expect_err "fix refused: entry 'pipe' is a device, fifo or socket, which the canonical form cannot hold"
    cmp -s "$TMP/fifo.zip" "$TMP/fifo.orig.zip" && pass "fifo kept${dry:+ ($dry)}: the archive is unchanged" ||
        fail "fifo kept${dry:+ ($dry)}: the archive changed"
done

finish
