#!/bin/sh
# shellcheck disable=SC1091,SC2015,SC2016
# cli.sh - the ziplint command as a user meets it: --version, --help,
# rules, explain, usage errors, check's exit statuses, the text and JSON
# reports, several archives with one missing, and the fix flow as the
# command drives it (the fixes themselves are tested in fix.sh and the
# Check suites).
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

Z=$ZIPLINT
CLEAN=zl201-ok-clean.zip
MODES=zl201-fire-private-modes.zip # ZL201 error x3, ZL202 error x1, nothing else
JUNK=zl403-fire-junk.zip           # ZL403 warning x9, nothing else
UMASK=zl201-fire-umask002.zip      # ZL201 info x3, ZL202 info x1
WRAPPED=zl101-fire-wrapper.zip     # ZL101 error
need_fixtures $CLEAN $MODES $JUNK $UMASK $WRAPPED

# ---- --version and --help ----

expect_status 0 "$Z" --version
expect_out '^ziplint [0-9]+\.[0-9]+\.[0-9]+$'
expect_lines "$OUT" 1
version=$(cut -d' ' -f2 "$OUT")
expect_status 0 "$Z" -V
expect_out "^ziplint $version\$"

for h in --help -h; do
    expect_status 0 "$Z" $h
    for c in check fix du rules explain hook; do
        expect_out "^  $c "
    done
done
# No command is a usage error, with the usage on stderr.
expect_status 2 "$Z"
expect_err '^Usage: ziplint COMMAND'

for c in check fix du rules explain hook; do
    expect_status 0 "$Z" $c --help
    expect_out "^Usage: ziplint $c"
    expect_out '--help'
done
# check --help lists every check option; fix --help adds its own.
expect_status 0 "$Z" check --help
for o in --profile --handler --runtime --arch --layer --layers-size --select --ignore \
    --fail-on --upload --reproducible --verify --format --color --quiet --verbose --statistics \
    --config --isolated; do
    expect_out "^ +(-., )?$o( |\$)"
done
expect_out '^  -o FILE'
expect_out '^  -j N'
expect_out '^  +--format text\|json\|sarif\|github'
expect_no_out '--unsafe-fixes|--dry-run|--output'
expect_status 0 "$Z" fix --help
for o in --unsafe-fixes --dry-run --output --no-verify --exit-non-zero-on-fix --fail-on --format; do
    expect_out "^ +$o( |\$)"
done
expect_out '^ +--backup\[=SUFFIX\] '
expect_status 0 "$Z" du --help
expect_out '^ +--depth N '
expect_status 0 "$Z" hook --help
expect_out '^ +--force '
expect_out '^  install '
expect_out '^  run ' 

# The man page documents every option --help prints.
man=${TESTS_SRCDIR:-$(dirname "$0")}/../doc/ziplint.1
if [ -f "$man" ]; then
    for c in check fix du hook; do
        "$Z" $c --help | grep -Eo -- '--[a-z-]+' | sort -u >"$TMP/opts"
        while read -r o; do
            # roff writes a minus as \-
            roff=$(printf '%s' "$o" | sed 's/-/\\-/g')
            if grep -Fq -e "$roff" "$man"; then
                pass "man page documents $c $o"
            else
                fail "man page lacks $c $o"
            fi
        done <"$TMP/opts"
    done
    # It renders without a warning, with the sections a man page has.
    if command -v groff >/dev/null 2>&1; then
        if groff -t -man -Tutf8 -ww -z "$man" >"$TMP/groff.err" 2>&1 && [ ! -s "$TMP/groff.err" ]; then
            pass "man page renders without warnings"
        else
            fail "groff warns about the man page"
            sed 's/^/  | /' "$TMP/groff.err"
        fi
        groff -t -man -Tutf8 "$man" 2>/dev/null | sed 's/.\x08//g' >"$TMP/man.txt"
        for sec in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS CONFIGURATION 'EXIT STATUS' EXAMPLES; do
            if grep -q "^$sec\$" "$TMP/man.txt"; then pass "man section $sec"; else fail "man section $sec missing"; fi
        done
        grep -q 'ziplint hook install' "$TMP/man.txt" && pass "man page shows hook install" ||
            fail "man page lacks hook install"
    else
        echo "note: groff not installed; rendering not checked"
    fi
else
    fail "no man page at $man"
fi

# ---- rules and explain ----

expect_status 0 "$Z" rules
# code name severity fix, for every rule of issue 2 (rules.md)
while read -r code name sev fix; do
    expect_out "^$code +$name +$sev +$fix( |\$)"
done <<'EOF'
ZL101 nested-top-level error safe
ZL102 layer-layout error safe
ZL103 handler-missing error none
ZL104 empty-archive error none
ZL105 backslash-path error safe
ZL201 file-mode error safe
ZL202 dir-mode error safe
ZL203 no-unix-mode info safe
ZL204 exec-bit-missing error safe
ZL205 special-file warning safe
ZL301 unzipped-size error none
ZL302 zipped-size error none
ZL303 console-editor info none
ZL304 too-many-layers error none
ZL401 pycache warning safe
ZL402 dist-info warning safe\+unsafe
ZL403 os-junk warning safe
ZL404 runtime-provided info none
ZL405 heavy-data info unsafe
ZL606 corrupt-entry error none
EOF
expect_status 2 "$Z" rules extra
# Every rule the program has is in the man page's RULES table and in
# README's rule table, and neither lists one it does not have.
expect_status 0 "$Z" rules
sed -n 's/^\(ZL[0-9][0-9][0-9]\) .*/\1/p' "$OUT" >"$TMP/codes.rules"
sed -n '/^\.SH RULES/,/^\.TE/s/^\(ZL[0-9][0-9][0-9]\)	.*/\1/p' "$man" >"$TMP/codes.man"
sed -n 's/^| \(ZL[0-9][0-9][0-9]\) |.*/\1/p' \
    "${TESTS_SRCDIR:-$(dirname "$0")}/../README.md" >"$TMP/codes.readme"
[ "$(wc -l <"$TMP/codes.rules")" -eq 32 ] || fail "ziplint rules lists $(wc -l <"$TMP/codes.rules") rules, not 32"
if cmp -s "$TMP/codes.rules" "$TMP/codes.man"; then pass "the man page lists every rule"
else fail "the man page's rules differ: $(diff "$TMP/codes.rules" "$TMP/codes.man" | tr '\n' ' ')"; fi
if cmp -s "$TMP/codes.rules" "$TMP/codes.readme"; then pass "README lists every rule"
else fail "README's rules differ: $(diff "$TMP/codes.rules" "$TMP/codes.readme" | tr '\n' ' ')"; fi

expect_status 0 "$Z" explain ZL101
expect_out '^ZL101 nested-top-level$'
expect_out '^Severity: error$'
expect_out '^Fix: safe'
expect_out '^Lambda error: .*Unable to import module'
expect_status 0 "$Z" explain zl403
expect_out '^ZL403 os-junk$'
expect_status 2 "$Z" explain ZL999
expect_err 'unknown rule code .ZL999.'
expect_lines "$OUT" 0
expect_status 2 "$Z" explain
expect_status 2 "$Z" explain ZL101 ZL102

# ---- usage errors: status 2, a message, nothing on stdout ----

usage_error() {
    pattern=$1
    shift
    expect_status 2 "$Z" "$@"
    expect_err "$pattern"
    expect_lines "$OUT" 0
}
usage_error 'unrecognized option' check --no-such-option "$(fixture $CLEAN)"
usage_error "unknown format 'xml'" check --format xml "$(fixture $CLEAN)"
usage_error "unknown runtime 'python2.7'" check --runtime python2.7 "$(fixture $CLEAN)"
usage_error "unknown runtime 'python3.8'" check --runtime python3.8 "$(fixture $CLEAN)"
usage_error "unknown severity 'fatal'" check --fail-on fatal "$(fixture $CLEAN)"
usage_error "unknown colour mode 'sometimes'" check --color sometimes "$(fixture $CLEAN)"
usage_error "unknown architecture 'ppc'" check --arch ppc "$(fixture $CLEAN)"
usage_error "unknown profile 'container'" check --profile container "$(fixture $CLEAN)"
usage_error "unknown upload 'ftp'" check --upload ftp "$(fixture $CLEAN)"
usage_error "unknown rule code or prefix 'ZL999'" check --select ZL999 "$(fixture $CLEAN)"
usage_error "unknown rule code or prefix 'XX1'" check --ignore ZL1,XX1 "$(fixture $CLEAN)"
usage_error "bad --layers-size '12MB'" check --layers-size 12MB "$(fixture $CLEAN)"
usage_error "bad handler 'nodot'" check --handler nodot "$(fixture $CLEAN)"
usage_error 'requires an argument' check "$(fixture $CLEAN)" --format
usage_error 'no archive given' check
usage_error 'cannot be used together' check -q -v "$(fixture $CLEAN)"
usage_error "unrecognized option '--unsafe-fixes'" check --unsafe-fixes "$(fixture $CLEAN)"
usage_error "unknown command 'lint'" lint "$(fixture $CLEAN)"
usage_error 'cannot fix standard input' fix -
usage_error '--output needs exactly one archive' fix --output "$TMP/o.zip" "$(fixture $CLEAN)" "$(fixture $MODES)"

# Options after the archive work too (GNU order). The fixture's bin/tool is
# x86-64, so --arch arm64 is ZL502's error (exit 1): proof the option took.
expect_status 1 "$Z" check "$(fixture $CLEAN)" --runtime python3.12 --arch arm64 --upload s3 \
    --profile function --handler lambda_function.lambda_handler
expect_status 0 "$Z" check "$(fixture $CLEAN)" --runtime python3.12 --arch x86_64 --upload s3 \
    --profile function --handler lambda_function.lambda_handler

# ---- check: exit statuses ----

expect_status 0 "$Z" check "$(fixture $CLEAN)"
expect_out "^$FIXTURES/$CLEAN: 6 entries, "
expect_out '^  no problems found$'
expect_out '^no problems found in 1 archive$'
expect_lines "$ERR" 0

expect_status 1 "$Z" check "$(fixture $MODES)"
expect_out '^  error ZL201 file-mode: '
expect_out '^  error ZL202 dir-mode: '
expect_out '^      lambda_function.py  \(0600 -> 0644\)$'
expect_out '^      mylib/  \(0700 -> 0755\)$'
expect_out '^    fix: safe'
expect_out '^    Lambda: PermissionError'
expect_out '^2 errors in 1 archive; 2 fixable with `ziplint fix`$'
expect_status 1 "$Z" check "$(fixture $WRAPPED)"
expect_out '^  error ZL101 nested-top-level: '

# Warnings alone pass by default; --fail-on lowers or removes the bar.
expect_status 0 "$Z" check "$(fixture $JUNK)"
expect_out '^  warning ZL403 os-junk: '
expect_out '^1 warning in 1 archive; 1 fixable with `ziplint fix`$'
expect_status 1 "$Z" check --fail-on warning "$(fixture $JUNK)"
expect_status 1 "$Z" check --fail-on info "$(fixture $JUNK)"
expect_status 0 "$Z" check --fail-on never "$(fixture $MODES)"
expect_status 0 "$Z" check "$(fixture $UMASK)"
expect_status 0 "$Z" check --fail-on warning "$(fixture $UMASK)"
expect_status 1 "$Z" check --fail-on info "$(fixture $UMASK)"
# --select and --ignore decide what can fail.
expect_status 0 "$Z" check --ignore ZL2 "$(fixture $MODES)"
expect_status 1 "$Z" check --select ZL202 "$(fixture $MODES)"
expect_no_out 'ZL201'
expect_status 0 "$Z" check --select ZL4 "$(fixture $MODES)"

# Text report: five examples and a count; -v lists all; -q only what fails.
expect_status 0 "$Z" check "$(fixture $JUNK)"
expect_out '^    9 entries:$'
expect_out '^      \.\.\. and 4 more'
expect_status 0 "$Z" check -v "$(fixture $JUNK)"
expect_no_out 'and [0-9]+ more'
for n in __MACOSX/._lambda_function.py .DS_Store pkg/._mod.py pkg/Thumbs.db desktop.ini .git/ \
    .git/HEAD pkg/.mod.py.swp pkg/mod.py~; do
    expect_out_fixed "      $n"
done
expect_status 1 "$Z" check -q "$(fixture $MODES)" "$(fixture $JUNK)" "$(fixture $CLEAN)"
expect_out 'ZL201'
expect_no_out 'ZL403|zl403-fire-junk|zl201-ok-clean'
expect_out '^2 errors, 1 warning in 3 archives; 3 fixable with `ziplint fix`$'

# Colour only when asked or on a terminal, never with NO_COLOR.
esc=$(printf '\033')
expect_status 1 "$Z" check "$(fixture $MODES)"
expect_no_out "$esc"
expect_status 1 "$Z" check --color always "$(fixture $MODES)"
expect_out "$esc\\[1;31merror"
expect_status 1 env NO_COLOR=1 "$Z" check --color auto "$(fixture $MODES)"
expect_no_out "$esc"

# -o writes the report to a file.
expect_status 1 "$Z" check -o "$TMP/report.txt" "$(fixture $MODES)"
expect_lines "$OUT" 0
if grep -q '^2 errors in 1 archive' "$TMP/report.txt"; then pass "-o report"; else fail "-o report"; fi

# '-' reads the archive from standard input.
expect_status 1 sh -c '"$1" check - <"$2"' sh "$Z" "$(fixture $MODES)"
expect_out '^-: 4 entries, '
expect_status 2 sh -c 'echo not a zip | "$1" check -' sh "$Z"
expect_err '^ziplint: -: '

# ---- JSON ----

expect_status 1 "$Z" check --format json "$(fixture $MODES)" "$(fixture $JUNK)" "$(fixture $CLEAN)"
cp "$OUT" "$TMP/check.json"
expect_lines "$ERR" 0
json_assert "$TMP/check.json" "assert d['version'] == 1 and d['tool'] == {'name': 'ziplint', 'version': '$version'}"
json_assert "$TMP/check.json" "assert [a['path'] for a in d['archives']] == ['$FIXTURES/$MODES', '$FIXTURES/$JUNK', '$FIXTURES/$CLEAN']"
json_assert "$TMP/check.json" "
import zipfile
for a in d['archives']:
    assert a['error'] is None
    with zipfile.ZipFile(a['path']) as z:
        assert a['entries'] == len(z.infolist()), a
        assert a['unzipped_bytes'] == sum(i.file_size for i in z.infolist()), a
    assert a['zipped_bytes'] == os.path.getsize(a['path']), a
    assert 'fixed' not in a
"
json_assert "$TMP/check.json" "
m = d['archives'][0]['findings']
assert [(f['code'], f['name'], f['severity'], len(f['entries'])) for f in m] == [('ZL201', 'file-mode', 'error', 3), ('ZL202', 'dir-mode', 'error', 1)], m
assert sorted((e['name'], e['severity'], e['detail']) for e in m[0]['entries']) == [('lambda_function.py', 'error', '0600 -> 0644'), ('mylib/__init__.py', 'error', '0600 -> 0644'), ('mylib/util.py', 'error', '0600 -> 0644')]
assert m[1]['entries'] == [{'name': 'mylib/', 'severity': 'error', 'detail': '0700 -> 0755'}]
for f in m:
    assert f['fix']['available'] is True and f['fix']['safe'] is True and f['fix']['description']
    assert 'PermissionError' in f['lambda_error'] and f['message']
assert m[0]['bytes'] == 103
"
json_assert "$TMP/check.json" "
j = d['archives'][1]['findings']
assert [(f['code'], f['severity'], len(f['entries'])) for f in j] == [('ZL403', 'warning', 9)]
assert j[0]['bytes'] == 188 and j[0]['fix']['available'] is True
assert sorted(e['name'] for e in j[0]['entries']) == sorted(['__MACOSX/._lambda_function.py', '.DS_Store', 'pkg/._mod.py', 'pkg/Thumbs.db', 'desktop.ini', '.git/', '.git/HEAD', 'pkg/.mod.py.swp', 'pkg/mod.py~'])
assert d['archives'][2]['findings'] == []
"
# The key order of cli.md.
json_assert "$TMP/check.json" "
a = d['archives'][0]
assert list(d) == ['version', 'tool', 'archives']
assert list(a) == ['path', 'error', 'entries', 'zipped_bytes', 'unzipped_bytes', 'findings'], list(a)
assert list(a['findings'][0]) == ['code', 'name', 'severity', 'message', 'entries', 'bytes', 'fix', 'lambda_error']
assert list(a['findings'][0]['fix']) == ['available', 'safe', 'description']
"
expect_status 0 "$Z" check --format json --fail-on never "$(fixture $MODES)"
expect_status 0 "$Z" check --format json -q "$(fixture $JUNK)"
json_assert "$OUT" "assert len(d['archives'][0]['findings'][0]['entries']) == 9"

# Names that are not UTF-8, or hold control bytes: JSON stays valid (U+FFFD),
# text escapes the control bytes.
python3 - "$TMP/weird.zip" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for n in ["lambda_function.py", "__MACOSX/QQQQ.txt"]:
        zi = zipfile.ZipInfo(n, (2020, 1, 1, 0, 0, 0))
        zi.external_attr = 0o100644 << 16
        zi.create_system = 3
        z.writestr(zi, b"x = 1\n")
with open(sys.argv[1], "rb") as fp:
    data = fp.read()
with open(sys.argv[1], "wb") as fp:
    fp.write(data.replace(b"QQQQ", b"\xff\x1b[3"))
EOF
expect_status 0 "$Z" check --format json "$TMP/weird.zip"
json_assert "$OUT" "assert [e['name'] for e in d['archives'][0]['findings'][0]['entries']] == ['__MACOSX/\ufffd\x1b[3.txt']"
expect_status 0 "$Z" check "$TMP/weird.zip"
expect_out_fixed '__MACOSX/'"$(printf '\377')"'\x1b[3.txt'
# ... in a wrapper folder's name, which ZL101's fix description repeats;
# and C1 controls and bidi overrides, which reorder or rewrite the line
python3 - "$TMP/wrapped-weird.zip" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for n in ["lambda_function.py", "pkg/__init__.py"]:
        zi = zipfile.ZipInfo("pkgQQQQQQQQQQx/" + n, (2020, 1, 1, 0, 0, 0))
        zi.external_attr = 0o100644 << 16
        zi.create_system = 3
        z.writestr(zi, "def handler(e, c):\n    return 1\n" if n.startswith("lambda") else "")
with open(sys.argv[1], "rb") as fp:
    data = fp.read()
with open(sys.argv[1], "wb") as fp:
    fp.write(data.replace(b"QQQQQQQQQQ", "\x1b[31m\u202e\u0085".encode()))
EOF
expect_status 1 "$Z" check --select ZL101 "$TMP/wrapped-weird.zip"
expect_out_fixed "fix: safe, \`ziplint fix\`: move every entry out of 'pkg\x1b[31m\u202e\u0085x/' to the root of the zip"
if LC_ALL=C grep -q "$(printf '\033')" "$OUT"; then fail "an escape byte reached the terminal"
else pass "no escape byte in the text report"; fi
# a fix that is another command (ZL701 selected without --reproducible)
expect_status 0 "$Z" check --select ZL701 "$(fixture zl701-fire-order.zip)"
expect_out_fixed '    fix: `ziplint fix --reproducible` writes the canonical form'

# ---- archives that cannot be read: status 2, one line on stderr each,
# the others still reported ----

expect_status 2 "$Z" check "$TMP/missing.zip" "$(fixture $MODES)"
expect_lines "$ERR" 1
expect_err "^ziplint: $TMP/missing.zip: "
expect_out "^$FIXTURES/$MODES: 4 entries"
expect_out '^  error ZL201 file-mode'
expect_out '^2 errors in 1 archive; 2 fixable with `ziplint fix`; 1 archive could not be read$'
printf 'this is not a zip archive\n' >"$TMP/text.zip"
expect_status 2 "$Z" check --format json "$(fixture $CLEAN)" "$TMP/missing.zip" "$TMP/text.zip"
expect_lines "$ERR" 2
expect_err "^ziplint: $TMP/text.zip: "
json_assert "$OUT" "
a = d['archives']
assert [x['path'] for x in a] == ['$FIXTURES/$CLEAN', '$TMP/missing.zip', '$TMP/text.zip']
assert a[0]['error'] is None and a[0]['findings'] == []
for x in a[1:]:
    assert x['path'] in x['error'] and x['findings'] == [] and 'entries' not in x, x
"
# Even with --fail-on never, an unreadable archive is status 2.
expect_status 2 "$Z" check --fail-on never "$TMP/missing.zip"

# ---- layers: --layer archives and --layers-size count into ZL301/ZL304 ----

limit=262144000
size_of() {
    python3 -c 'import sys, zipfile; print(sum(i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist()))' "$1"
}
code_size=$(size_of "$(fixture $CLEAN)")
layer_size=$(size_of "$(fixture $JUNK)")
at_limit=$((limit - code_size - layer_size))
expect_status 0 "$Z" check --select ZL301 --layer "$(fixture $JUNK)" --layers-size $at_limit "$(fixture $CLEAN)"
expect_status 1 "$Z" check --format json --select ZL301 --layer "$(fixture $JUNK)" \
    --layers-size $((at_limit + 1)) "$(fixture $CLEAN)"
json_assert "$OUT" "assert [(f['code'], f['severity']) for f in d['archives'][0]['findings']] == [('ZL301', 'error')]"
expect_status 2 "$Z" check --layer "$TMP/missing.zip" "$(fixture $CLEAN)"
expect_err "^ziplint: layer $TMP/missing.zip: "
expect_out '^no problems found in 1 archive$'
# Six layers are one too many.
L=$(fixture $CLEAN)
expect_status 0 "$Z" check --select ZL304 --layer "$L" --layer "$L" --layer "$L" --layer "$L" \
    --layer "$L" "$L"
expect_status 1 "$Z" check --format json --select ZL304 --layer "$L" --layer "$L" --layer "$L" \
    --layer "$L" --layer "$L" --layer "$L" "$L"
json_assert "$OUT" "assert [(f['code'], f['severity']) for f in d['archives'][0]['findings']] == [('ZL304', 'error')]"

# ---- fix, as the command drives it ----

cp "$(fixture $MODES)" "$TMP/modes.zip"
before=$(sha256 "$TMP/modes.zip")
expect_status 1 "$Z" fix --dry-run "$TMP/modes.zip"
expect_out '^'"$TMP"'/modes.zip: dry run, nothing written'
[ "$(sha256 "$TMP/modes.zip")" = "$before" ] && pass "--dry-run writes nothing" ||
    fail "--dry-run changed the archive"

expect_status 0 "$Z" fix --output "$TMP/fixed.zip" "$TMP/modes.zip"
[ "$(sha256 "$TMP/modes.zip")" = "$before" ] && pass "--output leaves the original" ||
    fail "--output changed the original"
expect_out '^    ZL201: 3 entries'
expect_out '^    ZL202: 1 entry'
expect_status 0 "$Z" check "$TMP/fixed.zip"

expect_status 0 "$Z" fix --format json "$TMP/modes.zip"
json_assert "$OUT" "
a = d['archives'][0]
assert a['error'] is None and a['findings'] == [], a
assert [(c['code'], c['entries']) for c in a['fixed']] == [('ZL201', 3), ('ZL202', 1)], a['fixed']
assert all(c['description'] for c in a['fixed'])
"
[ "$(sha256 "$TMP/modes.zip")" != "$before" ] && pass "fix rewrote the archive" ||
    fail "fix did not rewrite the archive"
expect_status 0 "$Z" check --fail-on info "$TMP/modes.zip"

# Nothing to fix: not rewritten, and --exit-non-zero-on-fix stays 0.
cp "$(fixture $CLEAN)" "$TMP/clean.zip"
touch -d '2001-01-01 00:00:00' "$TMP/clean.zip"
expect_status 0 "$Z" fix --exit-non-zero-on-fix "$TMP/clean.zip"
[ "$(sha256 "$TMP/clean.zip")" = "$(sha256 "$(fixture $CLEAN)")" ] && pass "clean archive unchanged" ||
    fail "clean archive changed"
[ -z "$(find "$TMP/clean.zip" -newermt '2001-01-02')" ] && pass "clean archive mtime kept" ||
    fail "clean archive was rewritten"
cp "$(fixture $JUNK)" "$TMP/junk.zip"
expect_status 1 "$Z" fix --exit-non-zero-on-fix "$TMP/junk.zip"
expect_status 0 "$Z" check --fail-on info "$TMP/junk.zip"

# A damaged archive is refused: status 1 whatever --fail-on says, untouched.
python3 - "$TMP/corrupt.zip" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    zi = zipfile.ZipInfo("lambda_function.py", (2020, 1, 1, 0, 0, 0))
    zi.external_attr = 0o100600 << 16
    zi.create_system = 3
    z.writestr(zi, b"def lambda_handler(event, context):\n    return 1\n")
with open(sys.argv[1], "rb") as fp:
    data = bytearray(fp.read())
data[data.find(b"def lambda_handler")] = ord("D")  # stored: the CRC no longer matches
with open(sys.argv[1], "wb") as fp:
    fp.write(data)
EOF
before=$(sha256 "$TMP/corrupt.zip")
expect_status 1 "$Z" fix --fail-on never "$TMP/corrupt.zip"
expect_err 'refused'
expect_err 'ZL606'
[ "$(sha256 "$TMP/corrupt.zip")" = "$before" ] && pass "refused fix leaves the archive" ||
    fail "refused fix changed the archive"
expect_status 2 "$Z" fix "$TMP/missing.zip"
expect_lines "$ERR" 1

finish
