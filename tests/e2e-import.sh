#!/bin/sh
# shellcheck disable=SC2015,SC2013 # ok() and bad() always succeed; codes have no spaces
# End-to-end proof that `ziplint fix` repairs real packages: build a
# realistic package with the usual mistakes (tests/e2e-build-package.sh),
# show that Lambda's user could not import it, fix it, and show that the
# same user now imports it and calls the handler, getting the same answer
# the original tree gives, from the package's own files only. Then the
# same for `fix --reproducible` (run_reproducible).
#
# Needs root (to become `nobody`), python3 with pip, zip and unzip; exits
# 77 (skipped) without them. Environment: ZIPLINT (the built binary),
# TESTS_SRCDIR (this folder; defaults to the script's own), PYTHON (the
# interpreter; default Debian's /usr/bin/python3, which `nobody` can run).
set -u

skip() { echo "SKIP: $*"; exit 77; }
hard() { echo "ERROR: $*"; exit 99; }

here=${TESTS_SRCDIR:-$(cd "$(dirname "$0")" && pwd)}
ZIPLINT=${ZIPLINT:-}
[ -n "$ZIPLINT" ] || hard "ZIPLINT is not set (run through make check)"
[ -x "$ZIPLINT" ] || hard "ZIPLINT=$ZIPLINT is not executable"

[ "$(id -u)" -eq 0 ] || skip "needs root to run the import as nobody"
id nobody >/dev/null 2>&1 || skip "no user nobody"
nobody_group=$(id -gn nobody)
for t in zip unzip zipinfo cmp; do
    command -v $t >/dev/null 2>&1 || skip "$t is missing"
done
if [ -z "${PYTHON:-}" ]; then
    if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=$(command -v python3 || true); fi
fi
[ -n "$PYTHON" ] || skip "python3 is missing"
"$PYTHON" -m pip --version >/dev/null 2>&1 || skip "pip is missing for $PYTHON"
set -- /usr/share/python-wheels/setuptools-*.whl
[ -f "$1" ] || skip "no setuptools wheel in /usr/share/python-wheels"
export PYTHON

if command -v setpriv >/dev/null 2>&1; then
    as_nobody() { setpriv --reuid=nobody --regid="$nobody_group" --clear-groups -- "$@"; }
elif command -v runuser >/dev/null 2>&1; then
    as_nobody() { runuser -u nobody -- "$@"; }
else
    skip "neither setpriv nor runuser"
fi
as_nobody "$PYTHON" -I -S -c 'pass' 2>/dev/null || skip "nobody cannot run $PYTHON"

umask 022
work=$(mktemp -d /tmp/ziplint-e2e.XXXXXX) || hard "mktemp failed"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
chmod 0755 "$work"
as_nobody test -x "$work" || hard "nobody cannot traverse $work"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "PASS: $kind: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $kind: $*"; }

# Imports the handler from the folder given as argv[1] (the current folder)
# with sys.path exactly [that folder] + the standard library, calls it, and
# checks every imported module came from that folder. argv[2] is "ok" or
# the exception the import must raise. Prints one JSON line; exit 0 when
# the expectation holds, 1 otherwise (with the reasons on stderr).
PROBE=$(cat <<'EOF'
import json, os, sys, sysconfig
folder = os.path.realpath(sys.argv[1])
expect = sys.argv[2]
sys.path.insert(0, folder)
errs = []
def inside(p):
    p = os.path.realpath(p)
    return p == folder or p.startswith(folder + os.sep)
stdlib = {os.path.realpath(sysconfig.get_paths()[k]) for k in ("stdlib", "platstdlib")}
def in_stdlib(p):
    p = os.path.realpath(p)
    return any(p.startswith(s + os.sep) for s in stdlib)
if os.path.realpath(os.getcwd()) != folder:
    errs.append("current folder is %s, not %s" % (os.getcwd(), folder))
if "site" in sys.modules:
    errs.append("site was imported: site-packages may be on sys.path")
for p in sys.path[1:]:
    if "site-packages" in p or "dist-packages" in p or inside(p) or not (p.endswith(".zip") or in_stdlib(p + os.sep + "x")):
        errs.append("unexpected sys.path entry %r" % p)
before = set(sys.modules)
res = {"uid": os.getuid(), "error": None, "message": None, "result": None}
try:
    import lambda_function
    res["result"] = lambda_function.lambda_handler({}, None)
except Exception as e:
    res["error"] = type(e).__name__
    res["message"] = str(e)
if expect == "ok":
    if res["error"]:
        errs.append("handler failed: %s: %s" % (res["error"], res["message"]))
    else:
        import importlib.metadata as md
        mine = {}
        for name in sorted(set(sys.modules) - before):
            f = getattr(sys.modules[name], "__file__", None)
            if not f:
                continue
            if inside(f):
                mine[name] = f
            elif not in_stdlib(f):
                errs.append("module %s comes from %s, outside the package" % (name, f))
        libs = ["lambda_function"] + list(res["result"].get("libs", []))
        for name in libs:
            f = getattr(sys.modules.get(name), "__file__", None)
            if not f or not inside(f):
                errs.append("module %s: __file__ %r is not inside %s" % (name, f, folder))
        loc = str(md.distribution("setuptools").locate_file(""))
        if not inside(loc):
            errs.append("setuptools metadata found in %s, not in the package" % loc)
        res["package_modules"] = len(mine)
elif res["error"] != expect:
    errs.append("expected %s, got %s: %s" % (expect, res["error"], res["message"]))
for e in errs:
    print("probe: " + e, file=sys.stderr)
print(json.dumps(res, sort_keys=True))
sys.exit(1 if errs else 0)
EOF
)

# probe USER FOLDER EXPECT OUTFILE
probe() {
    if [ "$1" = nobody ]; then
        (cd "$2" && as_nobody "$PYTHON" -I -S -B -c "$PROBE" "$2" "$3") >"$4" 2>"$4.err"
    else
        (cd "$2" && "$PYTHON" -I -S -B -c "$PROBE" "$2" "$3") >"$4" 2>"$4.err"
    fi
}

# json_codes FILE: "CODE:severity" per finding, one per line
json_codes() {
    "$PYTHON" -c '
import json, sys
doc = json.load(open(sys.argv[1]))
for a in doc["archives"]:
    if a.get("error"):
        print("ARCHIVE-ERROR:" + a["error"])
    for f in a.get("findings", []):
        print("%s:%s" % (f["code"], f["severity"]))
' "$1"
}

# compare_trees KIND ORIG_TREE FIXED_ZIP EXTRACTED: every kept file has its
# original bytes under its re-rooted name (METADATA/PKG-INFO: the header
# block); only __pycache__ and dist-info extras went away; modes are right.
compare_trees() {
    "$PYTHON" - "$@" <<'EOF'
import os, stat, sys, zipfile
kind, orig, zpath, ex = sys.argv[1:5]
errs = []
def meta_dir(name):
    parts = name.split("/")
    return len(parts) == 2 and (parts[0].endswith(".dist-info") or parts[0].endswith(".egg-info"))
def kept_meta(name):
    # what ZL402's safe fix keeps; an egg-info's requires.txt holds what
    # importlib.metadata.requires() answers, so it stays too
    base = name.rsplit("/", 1)[1]
    if base in ("METADATA", "PKG-INFO", "entry_points.txt", "top_level.txt"):
        return True
    return base == "requires.txt" and name.split("/")[0].endswith(".egg-info")
orig_files = set()
for root, dirs, files in os.walk(orig):
    for f in files:
        orig_files.add(os.path.relpath(os.path.join(root, f), orig).replace(os.sep, "/"))
with zipfile.ZipFile(zpath) as z:
    infos = z.infolist()
fixed_files = set()
same = slim = 0
for zi in infos:
    name = zi.filename
    mode = (zi.external_attr >> 16) & 0o7777
    if name.endswith("/"):
        if mode != 0o755:
            errs.append("dir %s has mode %04o, not 0755" % (name, mode))
        continue
    fixed_files.add(name)
    want_mode = 0o755 if name.startswith("bin/") else 0o644
    if mode != want_mode:
        errs.append("file %s has mode %04o, not %04o" % (name, mode, want_mode))
    st = os.lstat(os.path.join(ex, name))
    if stat.S_IMODE(st.st_mode) != want_mode:
        errs.append("extracted %s has mode %04o" % (name, stat.S_IMODE(st.st_mode)))
    if name not in orig_files:
        errs.append("%s is in the fixed zip but not in the original tree" % name)
        continue
    data = open(os.path.join(ex, name), "rb").read()
    old = open(os.path.join(orig, name), "rb").read()
    if meta_dir(name) and name.rsplit("/", 1)[1] in ("METADATA", "PKG-INFO") and data != old:
        head = old.split(b"\n\n", 1)[0] + b"\n"
        if data in (head, head + b"\n"):
            slim += 1
        else:
            errs.append("%s is not the original's header block (%d bytes, header %d)" % (name, len(data), len(head)))
        if b"\nVersion: " not in data:
            errs.append("%s lost its Version header" % name)
        continue
    if data != old:
        errs.append("%s differs from the original lambdaPackage/%s" % (name, name))
    else:
        same += 1
gone = sorted(orig_files - fixed_files)
for name in gone:
    if "/__pycache__/" in "/" + name and name.endswith(".pyc"):
        continue
    if meta_dir(name) and not kept_meta(name):
        continue
    errs.append("%s was dropped by the fix" % name)
for name in fixed_files:
    if meta_dir(name) and not kept_meta(name):
        errs.append("%s left in a slimmed metadata folder" % name)
    if name.endswith(".pyc"):
        errs.append("%s: bytecode left" % name)
for e in errs[:40]:
    print("  " + e)
if len(errs) > 40:
    print("  ... and %d more" % (len(errs) - 40))
print("  %d files kept byte for byte, %d METADATA/PKG-INFO slimmed, %d removed" % (same, slim, len(gone)))
sys.exit(1 if errs else 0)
EOF
}

run_kind() {
    kind=$1
    expect_before=$2 # exception the import raises before the fix
    want_codes=$3    # codes the check must report before the fix
    k=$work/$kind
    mkdir -p "$k"
    chmod 0755 "$k"
    echo "== $kind"
    if ! sh "$here/e2e-build-package.sh" "$k/build" "$kind"; then
        bad "building the package failed"
        return
    fi
    zip=$k/pkg.zip
    cp "$k/build/pkg.zip" "$zip"
    tree=$k/build/lambdaPackage
    # wheel's console script bin/wheel (#!) is an executable left 0600
    [ -d "$tree/bin" ] && want_codes="$want_codes ZL204:error"

    # The reference answer: the original tree, read as root (who ignores
    # the modes), with the same isolated sys.path.
    if probe root "$tree" ok "$k/ref.json"; then
        ok "the original tree imports as root: $(cat "$k/ref.json")"
    else
        bad "the original tree does not import even as root"
        sed 's/^/  /' "$k/ref.json.err"
        return
    fi

    # Before the fix: Lambda's user cannot import it, for the expected reason.
    mkdir "$k/before"
    unzip -q "$zip" -d "$k/before" || bad "unzip of the original package failed"
    if probe nobody "$k/before" "$expect_before" "$k/before.json"; then
        ok "before the fix, importing as nobody fails with $expect_before"
    else
        bad "before the fix, the import as nobody did not fail with $expect_before"
        sed 's/^/  /' "$k/before.json" "$k/before.json.err"
    fi

    # check: status 1 with the expected codes
    "$ZIPLINT" check --format json "$zip" >"$k/check1.json" 2>"$k/check1.err"
    st=$?
    [ $st -eq 1 ] && ok "check exits 1 before the fix" ||
        { bad "check exited $st before the fix, not 1"; cat "$k/check1.err"; }
    json_codes "$k/check1.json" >"$k/codes1" 2>&1 || bad "check's JSON does not parse"
    echo "  findings: $(tr '\n' ' ' <"$k/codes1")"
    for c in $want_codes; do
        grep -qx "$c" "$k/codes1" && ok "check reports $c" || bad "check does not report $c"
    done
    # No error beyond the ones this package really has.
    for c in $(grep ":error$" "$k/codes1"); do
        case " $want_codes " in
        *" $c "*) ;;
        *) bad "unexpected error finding $c" ;;
        esac
    done

    # fix: status 0, then the archive is whole and the rule stays quiet
    cp "$zip" "$k/orig.zip"
    "$ZIPLINT" fix "$zip" >"$k/fix1.out" 2>&1
    st=$?
    [ $st -eq 0 ] && ok "fix exits 0" || { bad "fix exited $st"; sed 's/^/  /' "$k/fix1.out"; }
    cmp -s "$zip" "$k/orig.zip" && bad "fix did not rewrite the archive"
    unzip -tq "$zip" >"$k/unzip-t.out" 2>&1 && ok "unzip -t passes on the fixed archive" ||
        { bad "unzip -t fails on the fixed archive"; sed 's/^/  /' "$k/unzip-t.out"; }
    "$ZIPLINT" check --format json "$zip" >"$k/check2.json" 2>"$k/check2.err"
    st=$?
    [ $st -eq 0 ] && ok "check exits 0 after the fix" ||
        { bad "check exited $st after the fix"; cat "$k/check2.err"; }
    json_codes "$k/check2.json" >"$k/codes2" 2>&1 || bad "check's JSON after the fix does not parse"
    echo "  left after the fix: $(tr '\n' ' ' <"$k/codes2")"
    for c in ZL101 ZL201 ZL202 ZL204 ZL401 ZL402; do
        grep -q "^$c:" "$k/codes2" && bad "$c still fires after the fix"
    done
    grep -q ':error$' "$k/codes2" && bad "an error is left after the fix"
    grep -q '^ARCHIVE-ERROR' "$k/codes2" && bad "the fixed archive could not be read"

    # Extract the result and compare it with the original tree.
    mkdir "$k/after"
    unzip -q "$zip" -d "$k/after" || bad "unzip of the fixed package failed"
    if compare_trees "$kind" "$tree" "$zip" "$k/after" >"$k/compare.out" 2>&1; then
        ok "every kept file has its original bytes and modes $(tail -n 1 "$k/compare.out")"
    else
        bad "the fixed archive's contents differ from the original tree:"
        cat "$k/compare.out"
    fi

    # After the fix: nobody imports it and gets the reference answer.
    if probe nobody "$k/after" ok "$k/after.json"; then
        ok "after the fix, nobody imports the handler and calls it"
    else
        bad "after the fix, the import as nobody fails:"
        sed 's/^/  /' "$k/after.json" "$k/after.json.err"
    fi
    "$PYTHON" - "$k/ref.json" "$k/after.json" <<'EOF' && ok "the handler answers as the original tree did (setuptools version, distutils.commands count)" || bad "the handler's answer changed"
import json, sys
ref = json.load(open(sys.argv[1]))["result"]
try:
    got = json.load(open(sys.argv[2]))["result"]
except Exception as e:
    print("  no answer after the fix: %s" % e)
    sys.exit(1)
if not ref or not got or ref != got:
    print("  before: %s\n  after:  %s" % (ref, got))
    sys.exit(1)
if not ref.get("setuptools") or not ref.get("distutils_commands"):
    print("  the answer lacks the setuptools version or entry points: %s" % ref)
    sys.exit(1)
print("  setuptools %s, %d distutils.commands, libs %s" % (ref["setuptools"], ref["distutils_commands"], ref["libs"]))
print("  metadata: " + ", ".join("%s %s (%d requires)" % (n, v, len(r or [])) for n, (v, r) in sorted(ref.get("dists", {}).items())))
EOF

    # A second fix has nothing to do: not rewritten at all.
    before=$(stat -c '%i %y %s' "$zip")
    "$ZIPLINT" fix "$zip" >"$k/fix2.out" 2>&1
    st=$?
    [ $st -eq 0 ] && ok "a second fix exits 0" || { bad "a second fix exited $st"; sed 's/^/  /' "$k/fix2.out"; }
    after=$(stat -c '%i %y %s' "$zip")
    [ "$before" = "$after" ] && ok "a second fix leaves the archive untouched (inode, mtime)" ||
        bad "a second fix rewrote the archive ($before -> $after)"

    run_reproducible
}

# fix --reproducible on the original package: the canonical form, which
# still imports as nobody with the same answer, is ZL701-quiet, is left
# untouched by a second run, and equals a plain fix made reproducible.
run_reproducible() {
    rz=$k/repro.zip
    cp "$k/orig.zip" "$rz"
    "$ZIPLINT" fix --reproducible "$rz" >"$k/fixr.out" 2>&1
    st=$?
    [ $st -eq 0 ] && ok "fix --reproducible exits 0" ||
        { bad "fix --reproducible exited $st"; sed 's/^/  /' "$k/fixr.out"; }
    unzip -tq "$rz" >"$k/unzip-tr.out" 2>&1 && ok "unzip -t passes on the reproducible archive" ||
        { bad "unzip -t fails on the reproducible archive"; sed 's/^/  /' "$k/unzip-tr.out"; }
    "$ZIPLINT" check --reproducible --format json "$rz" >"$k/checkr.json" 2>"$k/checkr.err"
    st=$?
    [ $st -eq 0 ] && ok "check --reproducible exits 0 after fix --reproducible" ||
        { bad "check --reproducible exited $st"; cat "$k/checkr.err"; }
    json_codes "$k/checkr.json" >"$k/codesr" 2>&1 || bad "check's JSON does not parse"
    echo "  left after fix --reproducible: $(tr '\n' ' ' <"$k/codesr")"
    grep -q '^ZL701:' "$k/codesr" && bad "ZL701 fires on fix --reproducible's own output" ||
        ok "ZL701 quiet after fix --reproducible"
    grep -q ':error$' "$k/codesr" && bad "an error is left after fix --reproducible"
    mkdir "$k/repro-after"
    unzip -q "$rz" -d "$k/repro-after" || bad "unzip of the reproducible package failed"
    if compare_trees "$kind" "$tree" "$rz" "$k/repro-after" >"$k/comparer.out" 2>&1; then
        ok "reproducible: every kept file has its original bytes and modes $(tail -n 1 "$k/comparer.out")"
    else
        bad "the reproducible archive's contents differ from the original tree:"
        cat "$k/comparer.out"
    fi
    if probe nobody "$k/repro-after" ok "$k/repro-after.json"; then
        ok "after fix --reproducible, nobody imports the handler and calls it"
    else
        bad "after fix --reproducible, the import as nobody fails:"
        sed 's/^/  /' "$k/repro-after.json" "$k/repro-after.json.err"
    fi
    "$PYTHON" -c '
import json, sys
ref = json.load(open(sys.argv[1]))["result"]
got = json.load(open(sys.argv[2]))["result"]
sys.exit(0 if ref and ref == got else 1)' "$k/ref.json" "$k/repro-after.json" 2>/dev/null &&
        ok "reproducible: the handler answers as the original tree did" ||
        bad "reproducible: the handler's answer changed"
    before=$(stat -c '%i %y %s' "$rz")
    "$ZIPLINT" fix --reproducible "$rz" >"$k/fixr2.out" 2>&1 || bad "a second fix --reproducible failed"
    after=$(stat -c '%i %y %s' "$rz")
    [ "$before" = "$after" ] && ok "a second fix --reproducible leaves it untouched (inode, mtime)" ||
        bad "a second fix --reproducible rewrote it ($before -> $after)"
    # the plainly fixed package, made reproducible: the same bytes
    cp "$zip" "$k/plain-then-repro.zip"
    "$ZIPLINT" fix --reproducible "$k/plain-then-repro.zip" >/dev/null 2>&1
    cmp -s "$k/plain-then-repro.zip" "$rz" && ok "fix, then fix --reproducible, gives the same bytes" ||
        bad "fix, then fix --reproducible, differs from fix --reproducible"
}

run_kind wrapped ModuleNotFoundError "ZL101:error ZL201:error ZL202:error ZL401:warning ZL402:warning"
run_kind modes-only PermissionError "ZL201:error ZL202:error ZL401:warning ZL402:warning"

echo "e2e-import: $passed passed, $failed failed"
[ $failed -eq 0 ]
