#!/bin/sh
# shellcheck disable=SC1091,SC2015,SC2016
# formats.sh - ziplint as CI uses it: SARIF (validated against the 2.1.0
# schema), GitHub annotations, --statistics, --fail-on levels, selection,
# the .ziplint config (found from a sub-folder, [archive "GLOB"],
# [per-path-ignores], a team's own rule file, errors as file:line), -j,
# and the fix controls (--dry-run, --output, --backup).
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

Z=$ZIPLINT
MODES=zl201-fire-private-modes.zip # ZL201 error x3, ZL202 error x1
JUNK=zl403-fire-junk.zip           # ZL403 warning x9
UMASK=zl201-fire-umask002.zip      # ZL201 info x3, ZL202 info x1
CLEAN=zl201-ok-clean.zip
WRAPPED=zl101-fire-wrapper.zip
need_fixtures $MODES $JUNK $UMASK $CLEAN $WRAPPED
export NO_COLOR=1

# Work from a folder of our own, with the fixtures copied in under
# relative paths (the paths CI reports are relative to the checkout).
W=$TMP/repo
mkdir -p "$W/dist" "$W/sub/deep"
cp "$(fixture $MODES)" "$W/dist/modes.zip"
cp "$(fixture $JUNK)" "$W/dist/junk.zip"
cp "$(fixture $UMASK)" "$W/dist/umask.zip"
cp "$(fixture $CLEAN)" "$W/dist/clean.zip"
cd "$W" || exit 99

# ---- SARIF ----

expect_status 1 "$Z" check --isolated --format sarif dist/modes.zip dist/junk.zip dist/clean.zip
cp "$OUT" "$TMP/check.sarif"
expect_lines "$ERR" 0
if [ -n "${SHARED_DIR:-}" ] && [ -f "$SHARED_DIR/schemas/sarif-schema-2.1.0.json" ]; then
    if python3 -c 'import jsonschema' 2>/dev/null; then
        json_assert "$TMP/check.sarif" "
import jsonschema
with open('$SHARED_DIR/schemas/sarif-schema-2.1.0.json') as fp:
    schema = json.load(fp)
jsonschema.validate(d, schema)
"
    else
        fail "python3-jsonschema is not installed: cannot validate the SARIF"
    fi
else
    echo "note: \$SHARED_DIR/schemas absent; SARIF schema validation skipped"
fi
version=$("$Z" --version | cut -d' ' -f2)
json_assert "$TMP/check.sarif" "
assert d['version'] == '2.1.0' and d['\$schema'].startswith('https://')
assert len(d['runs']) == 1
drv = d['runs'][0]['tool']['driver']
assert drv['name'] == 'ziplint' and drv['version'] == '$version'
ids = [r['id'] for r in drv['rules']]
assert ids == sorted(ids) and 'ZL101' in ids and 'ZL201' in ids and 'ZL403' in ids
for r in drv['rules']:
    assert r['name'] and r['shortDescription']['text'] and r['fullDescription']['text']
    assert 'ziplint explain ' + r['id'] in r['help']['text']
    assert r['defaultConfiguration']['level'] in ('error', 'warning', 'note')
z201 = drv['rules'][ids.index('ZL201')]
assert z201['name'] == 'file-mode' and z201['defaultConfiguration']['level'] == 'error'
assert drv['rules'][ids.index('ZL403')]['defaultConfiguration']['level'] == 'warning'
"
json_assert "$TMP/check.sarif" "
run = d['runs'][0]
ids = [r['id'] for r in run['tool']['driver']['rules']]
res = run['results']
assert [(r['ruleId'], r['level']) for r in res] == [('ZL201', 'error'), ('ZL202', 'error'), ('ZL403', 'warning')], res
for r in res:
    assert ids[r['ruleIndex']] == r['ruleId']
    loc = r['locations'][0]['physicalLocation']
    assert loc['region']['startLine'] == 1
uris = [r['locations'][0]['physicalLocation']['artifactLocation']['uri'] for r in res]
assert uris == ['dist/modes.zip', 'dist/modes.zip', 'dist/junk.zip'], uris
m = res[0]['message']['text']
for n in ['lambda_function.py', 'mylib/__init__.py', 'mylib/util.py']:
    assert n in m, m
assert 'mylib/' in res[1]['message']['text']
assert res[2]['message']['text'].endswith('.DS_Store, pkg/._mod.py, pkg/Thumbs.db, desktop.ini, .git/, .git/HEAD, pkg/.mod.py.swp, pkg/mod.py~'), res[2]['message']['text']
assert run['invocations'][0]['executionSuccessful'] is True
"
# An archive that cannot be read is a failed invocation, with a notification.
expect_status 2 "$Z" check --isolated --format sarif dist/missing.zip dist/clean.zip
json_assert "$OUT" "
inv = d['runs'][0]['invocations'][0]
assert inv['executionSuccessful'] is False
n = inv['toolExecutionNotifications']
assert len(n) == 1 and n[0]['level'] == 'error' and 'dist/missing.zip' in n[0]['message']['text']
assert d['runs'][0]['results'] == []
"
# Absolute paths outside the current folder become file:// URIs, encoded.
cp "$(fixture $MODES)" "$TMP/a b,c.zip"
expect_status 1 "$Z" check --isolated --format sarif "$TMP/a b,c.zip"
json_assert "$OUT" "
u = d['runs'][0]['results'][0]['locations'][0]['physicalLocation']['artifactLocation']['uri']
assert u == 'file://' + '$TMP'.replace(' ', '%20') + '/a%20b%2Cc.zip', u
"

# ---- GitHub annotations ----

expect_status 1 "$Z" check --isolated --format github dist/modes.zip dist/junk.zip dist/umask.zip
cat >"$TMP/gh.expected" <<'EOF'
::error file=dist/modes.zip,title=ZL201 file-mode::3 files lack world read (o+r): Lambda runs the code as a user that does not own the files, so it cannot read them: lambda_function.py, mylib/__init__.py, mylib/util.py
::error file=dist/modes.zip,title=ZL202 dir-mode::1 folder lacks world read+execute (o+rx): nothing inside it can be imported: mylib/
::warning file=dist/junk.zip,title=ZL403 os-junk::9 OS metadata entries (188 B) that Lambda never reads: __MACOSX/._lambda_function.py, .DS_Store, pkg/._mod.py, pkg/Thumbs.db, desktop.ini, .git/, .git/HEAD, pkg/.mod.py.swp, pkg/mod.py~
EOF
# The umask fixture's infos are notices.
if head -n 3 "$OUT" | cmp -s - "$TMP/gh.expected"; then pass "github: exact lines"; else
    fail "github: lines differ"
    diff "$TMP/gh.expected" "$OUT" | sed -n '1,20s/^/  | /p'
fi
expect_out '^::notice file=dist/umask.zip,title=ZL201 file-mode::'
expect_out '^::notice file=dist/umask.zip,title=ZL202 dir-mode::'
expect_lines "$OUT" 5
# Escaping: '%' CR LF always; ':' and ',' in properties.
cp "$(fixture $MODES)" "dist/50%,a:b.zip"
expect_status 1 "$Z" check --isolated --format github --select ZL202 "dist/50%,a:b.zip"
expect_out_fixed '::error file=dist/50%25%2Ca%3Ab.zip,title=ZL202 dir-mode::1 folder'
rm -f "dist/50%,a:b.zip"
expect_status 2 "$Z" check --isolated --format github dist/missing.zip
expect_out '^::error file=dist/missing.zip,title=ziplint::dist/missing.zip: '

# ---- --statistics ----

expect_status 1 "$Z" check --isolated --statistics dist/modes.zip dist/junk.zip dist/umask.zip
printf '%s\n' '    9  ZL403  os-junk' '    6  ZL201  file-mode' '    2  ZL202  dir-mode' >"$TMP/stats"
if cmp -s "$OUT" "$TMP/stats"; then pass "statistics: exact"; else
    fail "statistics differ"
    show_output
fi
expect_status 0 "$Z" check --isolated --statistics dist/clean.zip
expect_lines "$OUT" 0
expect_status 1 "$Z" check --isolated --statistics --format json dist/modes.zip dist/junk.zip \
    dist/umask.zip
cp "$OUT" "$TMP/stats.json"
json_assert "$TMP/stats.json" "
assert d == [{'code': 'ZL403', 'name': 'os-junk', 'count': 9},
             {'code': 'ZL201', 'name': 'file-mode', 'count': 6},
             {'code': 'ZL202', 'name': 'dir-mode', 'count': 2}], d
"
expect_status 0 "$Z" check --isolated --statistics --format json dist/clean.zip
cp "$OUT" "$TMP/stats.json"
json_assert "$TMP/stats.json" "assert d == [], d"
expect_status 2 "$Z" check --isolated --statistics --format sarif dist/clean.zip
expect_err 'statistics is text or JSON'

# ---- fail-on and selection ----

expect_status 0 "$Z" check --isolated dist/junk.zip
expect_status 1 "$Z" check --isolated --fail-on warning dist/junk.zip
expect_status 0 "$Z" check --isolated --fail-on warning dist/umask.zip
expect_status 1 "$Z" check --isolated --fail-on info dist/umask.zip
expect_status 0 "$Z" check --isolated --fail-on never dist/modes.zip
expect_status 1 "$Z" check --isolated --format github --select ZL202 dist/modes.zip
expect_lines "$OUT" 1
expect_out 'ZL202'
expect_status 0 "$Z" check --isolated --ignore ZL201,ZL202 dist/modes.zip
expect_status 1 "$Z" check --isolated --format github --select zl2 --ignore ZL202 dist/modes.zip
expect_lines "$OUT" 1
expect_out 'title=ZL201 '

# ---- -j: several at once, reported in command-line order ----

expect_status 1 "$Z" check --isolated --format json dist/modes.zip dist/junk.zip dist/umask.zip \
    dist/clean.zip
cp "$OUT" "$TMP/serial.json"
expect_status 1 "$Z" check --isolated -j 3 --format json dist/modes.zip dist/junk.zip \
    dist/umask.zip dist/clean.zip
if cmp -s "$OUT" "$TMP/serial.json"; then pass "-j 3: same JSON as -j 1"; else fail "-j 3 JSON differs"; fi
expect_status 2 "$Z" check --isolated dist/modes.zip dist/missing.zip dist/junk.zip
cp "$OUT" "$TMP/serial.txt"
expect_status 2 "$Z" check --isolated -j 4 dist/modes.zip dist/missing.zip dist/junk.zip
if cmp -s "$OUT" "$TMP/serial.txt"; then pass "-j 4: same text"; else fail "-j 4 text differs"; fi
expect_lines "$ERR" 1
# Every fixture at once, every rule, data read (the ZL505 scans, --verify):
# the same report as one at a time; fix -j writes the same bytes as fix -j 1.
# (Under ThreadSanitizer, as CI builds it, this is also the race test.)
expect_status 1 "$Z" check --isolated --verify --format json "$FIXTURES"/*.zip
cp "$OUT" "$TMP/all-serial.json"
expect_status 1 "$Z" check --isolated --verify -j 4 --format json "$FIXTURES"/*.zip
if cmp -s "$OUT" "$TMP/all-serial.json"; then pass "-j 4 over every fixture: same JSON as -j 1"
else fail "-j 4 over every fixture: JSON differs"; fi
for n in 1 4; do
    rm -rf "$TMP/fixj$n" && mkdir "$TMP/fixj$n"
    for f in zl101-fire-wrapper zl201-fire-private-modes zl403-fire-junk zl505-fire-glibc; do
        cp "$FIXTURES/$f.zip" "$TMP/fixj$n/"
    done
    (cd "$TMP/fixj$n" && "$Z" fix --isolated -j $n ./*.zip >/dev/null 2>&1)
done
changed=
for f in "$TMP"/fixj1/*.zip; do cmp -s "$f" "$FIXTURES/${f##*/}" || changed="$changed ${f##*/}"; done
# ZL505 has no fix: that archive stays as it was
if [ "$changed" = " zl101-fire-wrapper.zip zl201-fire-private-modes.zip zl403-fire-junk.zip" ]
then pass "fix -j 1 rewrote the 3 fixable archives"
else fail "fix -j 1 rewrote:$changed"; fi
if diff -r "$TMP/fixj1" "$TMP/fixj4" >/dev/null; then pass "fix -j 4: the same archives as fix -j 1"
else fail "fix -j 4 wrote other bytes than fix -j 1"; fi

usage() { expect_status 2 "$Z" "$@"; expect_lines "$OUT" 0; }
usage check -j 0 dist/clean.zip
usage check -j x dist/clean.zip

# ---- the config file ----

cat >.ziplint <<'EOF'
# the team's settings
[ziplint]
fail-on = warning ; warnings fail the build
ignore = ZL202

[archive "dist/umask.zip"]
fail-on: info

[per-path-ignores]
pkg/* = ZL403
.git/* = ZL4, ZL1
EOF
# Found from a sub-folder; warnings fail; ZL202 ignored.
cd sub/deep || exit 99
expect_status 1 "$Z" check --format github ../../dist/junk.zip ../../dist/modes.zip
expect_no_out 'ZL202'
# [per-path-ignores]: pkg/* and .git/* are gone from ZL403, the rest stays.
expect_out_fixed '::warning file=../../dist/junk.zip,title=ZL403 os-junk::9 OS metadata entries (188 B) that Lambda never reads (6 entries ignored by per-path-ignores): __MACOSX/._lambda_function.py, .DS_Store, desktop.ini'
expect_status 1 "$Z" check --format json ../../dist/junk.zip
json_assert "$OUT" "
f = d['archives'][0]['findings']
assert [(x['code'], sorted(e['name'] for e in x['entries']), x['bytes']) for x in f] == [('ZL403', ['.DS_Store', '__MACOSX/._lambda_function.py', 'desktop.ini'], 113)], f
"
# [archive "GLOB"]: infos fail for that archive only.
expect_status 1 "$Z" check ../../dist/umask.zip
expect_status 0 "$Z" check --isolated ../../dist/umask.zip
# The command line wins over the config.
expect_status 0 "$Z" check --fail-on error ../../dist/junk.zip
expect_status 1 "$Z" check --ignore ZL201 ../../dist/modes.zip
expect_out 'ZL202'
cd ../.. || exit 99
# fix honours per-path-ignores: the ignored entries stay.
cp dist/junk.zip dist/junk2.zip
expect_status 0 "$Z" fix --fail-on error dist/junk2.zip
python3 -c 'import sys, zipfile; print("\n".join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))' \
    dist/junk2.zip >"$TMP/names"
if [ "$(tr '\n' ' ' <"$TMP/names")" = ".git/ .git/HEAD lambda_function.py pkg/._mod.py pkg/.mod.py.swp pkg/Thumbs.db pkg/__init__.py pkg/mod.py~ " ]; then
    pass "fix keeps the entries per-path-ignores names"
else
    fail "fix with per-path-ignores left: $(tr '\n' ' ' <"$TMP/names")"
fi
rm -f dist/junk2.zip

# --config FILE; errors are file:line, status 2.
mkdir -p "$TMP/cfg"
printf '[ziplint]\nselect = ZL202\n' >"$TMP/cfg/only202.ini"
expect_status 1 "$Z" check --config "$TMP/cfg/only202.ini" --format github dist/modes.zip
expect_lines "$OUT" 1
expect_out 'title=ZL202 '
bad_config() {
    line=$1 msg=$2
    shift 2
    printf '%b' "$*" >"$TMP/cfg/bad.ini"
    expect_status 2 "$Z" check --config "$TMP/cfg/bad.ini" dist/clean.zip
    expect_err "^ziplint: $TMP/cfg/bad.ini:$line: $msg"
    expect_lines "$OUT" 0
}
bad_config 2 "unknown key 'colour' in \\[ziplint\\]" '[ziplint]\ncolour = always\n'
bad_config 3 "unknown severity 'fatal'" '[ziplint]\n\nfail-on = fatal\n'
bad_config 2 "unknown rule code or prefix 'ZL999'" '[ziplint]\nselect = ZL1, ZL999\n'
bad_config 1 'unknown section \[checks\]' '[checks]\n'
bad_config 3 "'profile' is already set on line 2" '[ziplint]\nprofile = layer\nprofile = function\n' 
bad_config 3 "unknown runtime 'python2.7'" '[ziplint]\n[archive "dist/*.zip"]\nruntime = python2.7\n' 
bad_config 4 "unknown rule code or prefix 'XX'" '[ziplint]\n\n[per-path-ignores]\ntests/* = XX\n'
expect_status 2 "$Z" check --config "$TMP/missing.ini" dist/clean.zip
expect_err "cannot read config file $TMP/missing.ini"
expect_status 2 "$Z" check --config "$TMP/cfg/only202.ini" --isolated dist/clean.zip
expect_err 'cannot be used together'

# ---- a team's own rule file ----

mkdir -p "$W/lint"
cat >"$W/lint/team.rules" <<'EOF'
[ACME1]
name = no-git-folder
severity = error
summary = a .git folder was zipped
path = ^\.git/
message = {count} entries of a .git folder ({bytes})
explain = Build the zip from a clean export, not from the working tree.
EOF
printf '[ziplint]\nrules = lint/team.rules\n' >.ziplint
expect_status 1 "$Z" check --format github dist/junk.zip
expect_out_fixed '::error file=dist/junk.zip,title=ACME1 no-git-folder::2 entries of a .git folder (21 B): .git/, .git/HEAD'
expect_status 0 "$Z" check --select ACME dist/modes.zip
expect_status 1 "$Z" check --format sarif dist/junk.zip
json_assert "$OUT" "
drv = d['runs'][0]['tool']['driver']
ids = [r['id'] for r in drv['rules']]
r = drv['rules'][ids.index('ACME1')]
assert r['name'] == 'no-git-folder' and 'clean export' in r['help']['text']
assert [x['ruleId'] for x in d['runs'][0]['results']] == ['ACME1', 'ZL403']
"
# A broken rule file: file:line, status 2, nothing checked.
cat >"$W/lint/team.rules" <<'EOF'
[ACME1]
name = no-git-folder
severity = error
path = ^\.git/(
EOF
expect_status 2 "$Z" check dist/junk.zip
expect_err "^ziplint: $W/lint/team.rules:4: "
expect_lines "$OUT" 0
printf '[ACME2]\nname = x\nseverity = fatal\n' >"$W/lint/team.rules"
expect_status 2 "$Z" check dist/clean.zip
expect_err "^ziplint: $W/lint/team.rules:3: bad severity 'fatal'"
printf '[ZL999]\nname = x\nseverity = error\n' >"$W/lint/team.rules"
expect_status 2 "$Z" check dist/clean.zip
expect_err "team.rules:1: rule code 'ZL999' is reserved"
rm -f .ziplint

# ---- fix controls ----

cp "$(fixture $MODES)" dist/fixme.zip
before=$(sha256 dist/fixme.zip)
expect_status 1 "$Z" fix --isolated --dry-run dist/fixme.zip
expect_out '^dist/fixme.zip: dry run, nothing written; fix would:$'
expect_out '^mode lambda_function.py 0600 -> 0644$'
expect_out '^mode mylib/ 0700 -> 0755$'
[ "$(sha256 dist/fixme.zip)" = "$before" ] && pass "--dry-run: archive untouched" ||
    fail "--dry-run changed the archive"
cp "$(fixture $JUNK)" dist/junkfix.zip
jbefore=$(sha256 dist/junkfix.zip)
expect_status 0 "$Z" fix --isolated --dry-run dist/junkfix.zip
expect_out '^delete \.DS_Store \(30 bytes\)$'
expect_out '^save 188 bytes unzipped \(188 B\)$'
[ "$(sha256 dist/junkfix.zip)" = "$jbefore" ] && pass "--dry-run: junk untouched" ||
    fail "--dry-run changed the junk archive"
expect_status 1 "$Z" fix --isolated --dry-run --format json dist/fixme.zip
json_assert "$OUT" "assert [f['code'] for f in d['archives'][0]['findings']] == ['ZL201', 'ZL202']"
expect_err '^mode lambda_function.py 0600 -> 0644$'
[ ! -e dist/fixme.zip.bak ] && pass "no backup without --backup" || fail "unexpected backup"

expect_status 0 "$Z" fix --isolated --output dist/out.zip dist/fixme.zip
[ "$(sha256 dist/fixme.zip)" = "$before" ] && pass "--output: original untouched" ||
    fail "--output changed the original"
expect_status 0 "$Z" check --isolated --fail-on info dist/out.zip

chmod 0640 dist/fixme.zip
expect_status 0 "$Z" fix --isolated --backup dist/fixme.zip
[ "$(sha256 dist/fixme.zip.bak)" = "$before" ] && pass "--backup: byte for byte" ||
    fail "--backup copy differs"
[ "$(stat -c %a dist/fixme.zip.bak)" = 640 ] && pass "--backup: mode kept" ||
    fail "--backup mode $(stat -c %a dist/fixme.zip.bak)"
[ "$(sha256 dist/fixme.zip)" != "$before" ] && pass "--backup: archive fixed" ||
    fail "--backup: archive not fixed"
expect_status 0 "$Z" check --isolated dist/fixme.zip
# A suffix of one's own; nothing to fix: no backup.
cp "$(fixture $MODES)" dist/fix2.zip
expect_status 0 "$Z" fix --isolated --backup=.orig dist/fix2.zip
[ "$(sha256 dist/fix2.zip.orig)" = "$before" ] && pass "--backup=.orig" || fail "--backup=.orig"
expect_status 0 "$Z" fix --isolated --backup dist/clean.zip
[ ! -e dist/clean.zip.bak ] && pass "no backup when nothing is rewritten" ||
    fail "backup of an unchanged archive"
usage fix --isolated --backup= dist/clean.zip
usage fix --isolated --backup --output x.zip dist/clean.zip

finish
