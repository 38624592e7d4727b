#!/bin/sh
# shellcheck disable=SC1091,SC2015
# du.sh - `ziplint du ZIP`: the biggest packages first with their exact
# sizes and share of the 250 MiB budget, --depth, JSON, and usage errors.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

Z=$ZIPLINT
export NO_COLOR=1

# A package whose sizes are known: zeros compress to almost nothing.
python3 - "$TMP/big.zip" <<'PY'
import sys, zipfile
sizes = {
    "numpy/core/_multiarray_umath.so": 52428800,   # 20% of the budget
    "numpy/core/__init__.py": 1000,
    "numpy/linalg/lapack_lite.so": 13107200,
    "numpy/__init__.py": 2000,
    "pandas/_libs/hashtable.so": 26214400,          # 10%
    "pandas/__init__.py": 500,
    "boto3/__init__.py": 300,
    "lambda_function.py": 120,
    "./six.py": 4000,
}
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr(zipfile.ZipInfo("numpy/"), b"")
    for name, size in sizes.items():
        zi = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
        zi.external_attr = 0o100644 << 16
        zi.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(zi, b"\0" * size)
PY

expect_status 0 "$Z" du "$TMP/big.zip"
expect_lines "$ERR" 0
expect_out "^$TMP/big.zip: 91758320 bytes \\(88 MiB\\) unzipped in 9 files, 35\\.0% of the 250 MiB budget\$"
# Largest first, each with its exact size, its share and a bar; the
# children of each package under it, largest first.
sed 1d "$OUT" >"$TMP/rows"
cat >"$TMP/want" <<'ROWS'
    65539000     63 MiB   25.0%  [#####               ]  numpy/
    52429800     50 MiB   20.0%  [####                ]    numpy/core/
    13107200     12 MiB    5.0%  [#                   ]    numpy/linalg/
        2000    2.0 KiB    0.0%  [                    ]    numpy/__init__.py
    26214900     25 MiB   10.0%  [##                  ]  pandas/
    26214400     25 MiB   10.0%  [##                  ]    pandas/_libs/
         500      500 B    0.0%  [                    ]    pandas/__init__.py
        4000    3.9 KiB    0.0%  [                    ]  six.py
         300      300 B    0.0%  [                    ]  boto3/
         300      300 B    0.0%  [                    ]    boto3/__init__.py
         120      120 B    0.0%  [                    ]  lambda_function.py
ROWS
if cmp -s "$TMP/rows" "$TMP/want"; then pass "du: rows in order, exact"; else
    fail "du rows differ"
    diff "$TMP/want" "$TMP/rows" | sed 's/^/  | /'
fi

# --depth 1: the top level only; --depth 3 reaches the files in core/.
expect_status 0 "$Z" du --depth 1 "$TMP/big.zip"
expect_lines "$OUT" 6
expect_no_out 'numpy/core/'
expect_status 0 "$Z" du --depth 3 "$TMP/big.zip"
expect_out '^    52428800     50 MiB   20\.0%  \[####                \]      numpy/core/_multiarray_umath\.so$'

# JSON: the same tree, with every child down to the depth.
expect_status 0 "$Z" du --format json --depth 2 "$TMP/big.zip"
json_assert "$OUT" "
assert d['version'] == 1 and d['tool']['name'] == 'ziplint'
assert d['unzipped_bytes'] == 91758320 and d['files'] == 9 and d['entries'] == 10
assert d['budget_bytes'] == 262144000
assert abs(d['share'] - 91758320 / 262144000) < 1e-6
t = d['tree']
assert [(n['path'], n['bytes'], n['files'], n['type']) for n in t] == [('numpy/', 65539000, 4, 'dir'), ('pandas/', 26214900, 2, 'dir'), ('six.py', 4000, 1, 'file'), ('boto3/', 300, 1, 'dir'), ('lambda_function.py', 120, 1, 'file')], t
assert [(c['name'], c['bytes']) for c in t[0]['children']] == [('core', 52429800), ('linalg', 13107200), ('__init__.py', 2000)]
assert 'children' not in t[0]['children'][0]
assert abs(t[1]['share'] - 0.1) < 1e-4
"
expect_status 0 "$Z" du --format json --depth 1 "$TMP/big.zip"
json_assert "$OUT" "assert all('children' not in n for n in d['tree'])"

# Many children: the largest five and a line for the rest (-v lists all).
python3 - "$TMP/many.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for i in range(1, 9):
        z.writestr("pkg/m%d.py" % i, b"x" * (i * 100))
PY
expect_status 0 "$Z" du "$TMP/many.zip"
expect_out '^         800      800 B    0\.0%  \[                    \]    pkg/m8\.py$'
expect_out '^         600      600 B    0\.0%  \[                    \]    \(3 more; -v shows them\)$'
expect_no_out 'pkg/m1\.py'
expect_status 0 "$Z" du -v "$TMP/many.zip"
expect_out 'pkg/m1\.py$'

# Usage errors and unreadable archives.
expect_status 2 "$Z" du
expect_status 2 "$Z" du "$TMP/big.zip" "$TMP/many.zip"
expect_status 2 "$Z" du --depth 0 "$TMP/big.zip"
expect_err "bad --depth '0'"
expect_status 2 "$Z" du --format sarif "$TMP/big.zip"
expect_status 2 "$Z" du "$TMP/missing.zip"
expect_err "^ziplint: $TMP/missing.zip: "
expect_lines "$OUT" 0
expect_status 0 "$Z" du --help
expect_out '--depth'

# Names with no component left ("////", "./"): listed as they are, so that
# the tree adds up to the archive's totals.
python3 - "$TMP/noname.zip" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for n, data in [("a.py", "x"), ("QQQQ", "hello"), ("RR", "abc")]:
        zi = zipfile.ZipInfo(n, (2020, 1, 1, 0, 0, 0))
        zi.external_attr = 0o100644 << 16
        zi.create_system = 3
        z.writestr(zi, data)
with open(sys.argv[1], "rb") as fp:
    data = fp.read()
with open(sys.argv[1], "wb") as fp:
    fp.write(data.replace(b"QQQQ", b"////").replace(b"RR", b"./"))
EOF
expect_status 0 "$Z" du --format json "$TMP/noname.zip"
json_assert "$OUT" "
assert d['unzipped_bytes'] == 9 and d['files'] == 3, d
assert sum(n['bytes'] for n in d['tree']) == 9, d['tree']
assert sum(n['files'] for n in d['tree']) == 3, d['tree']
assert sorted(n['name'] for n in d['tree']) == ['./', '////', 'a.py'], d['tree']
"

finish
