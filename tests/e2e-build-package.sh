#!/bin/sh
# Build a realistic Lambda package the way people commonly do, mistakes
# included, for the end-to-end test (tests/e2e-import.sh).
#
# usage: e2e-build-package.sh DIR KIND
#   DIR   an empty or missing folder; gets DIR/lambdaPackage/ (the tree,
#         with the restrictive modes) and DIR/pkg.zip
#   KIND  wrapped     zip -qr pkg.zip lambdaPackage  (the wrapper-folder
#                     mistake) with files 0600 and folders 0700
#         modes-only  zipped from inside the folder (right layout), but
#                     files 0600 and folders 0700
#
# The tree: the wheels Debian ships in /usr/share/python-wheels installed
# with pip --target (real dist-info: RECORD, WHEEL, INSTALLER,
# entry_points.txt, and __pycache__), pure-Python libraries copied from
# Debian's python3-* packages, compileall, and a handler that imports them.
# $PYTHON names the interpreter (default: Debian's /usr/bin/python3).
set -eu

die() { echo "e2e-build-package: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: $0 DIR KIND"
dir=$1
kind=$2
case $kind in
wrapped | modes-only) ;;
*) die "unknown KIND '$kind' (wrapped, modes-only)" ;;
esac

if [ -z "${PYTHON:-}" ]; then
    if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
wheels=/usr/share/python-wheels
dist=/usr/lib/python3/dist-packages

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
pkg=$dir/lambdaPackage
rm -rf "$pkg" "$dir/pkg.zip"

# The mistake behind ZL201/ZL202: a umask of 077 (a hardened shell, or a
# CI runner) makes every file 0600 and every folder 0700.
umask 077
mkdir "$pkg"

# 1. Real wheels, installed as users' builds do.
set -- "$wheels"/setuptools-*.whl
[ -f "$1" ] || die "no setuptools wheel in $wheels (apt-get install python3-setuptools-whl)"
whls=$1
for w in "$wheels"/wheel-*.whl; do
    [ -f "$w" ] && whls="$whls $w"
done
# shellcheck disable=SC2086
"$PYTHON" -m pip install -q --no-index --no-deps --disable-pip-version-check \
    --no-cache-dir --target "$pkg" $whls >"$dir/pip.log" 2>&1 ||
    { cat "$dir/pip.log" >&2; die "pip install failed"; }

# 2. Pure-Python libraries from Debian's python3-* packages, with their
# metadata folders. yaml: the pure part only (no _yaml extension).
copy_lib() {
    # copy_lib NAME META...: NAME is a folder or NAME.py in dist-packages
    name=$1
    shift
    if [ -d "$dist/$name" ]; then
        mkdir "$pkg/$name"
        for f in "$dist/$name"/*.py; do
            cp "$f" "$pkg/$name/"
        done
        for sub in "$dist/$name"/*/; do
            [ -d "$sub" ] || continue
            case $sub in */__pycache__/) continue ;; esac
            cp -R "$sub" "$pkg/$name/"
            rm -rf "$pkg/$name/$(basename "$sub")/__pycache__"
        done
    elif [ -f "$dist/$name.py" ]; then
        cp "$dist/$name.py" "$pkg/"
    else
        return 1
    fi
    for m in "$@"; do
        for d in "$dist"/$m; do
            [ -d "$d" ] && cp -R "$d" "$pkg/"
        done
    done
    return 0
}
libs=""
copy_lib yaml 'PyYAML-*.dist-info' && libs="$libs yaml"
copy_lib six 'six-*.egg-info' && libs="$libs six"
copy_lib jmespath 'jmespath-*.egg-info' && libs="$libs jmespath"
case $libs in
*six*) copy_lib dateutil 'python_dateutil-*.egg-info' && libs="$libs dateutil" ;;
esac
# Only the pure-Python part: no extension modules from the system.
find "$pkg" -name '*.so' -exec rm -f {} +

# 3. The handler: imports what was packed and answers with what it read.
{
    echo '"""Example handler packed with real libraries for the e2e test."""'
    echo 'import importlib.metadata'
    echo 'import json'
    for l in $libs; do
        case $l in
        dateutil) echo 'import dateutil.parser' ;;
        *) echo "import $l" ;;
        esac
    done
    cat <<'EOF'

LIBS = [m for m in ("yaml", "six", "jmespath", "dateutil") if m in globals()]


def lambda_handler(event, context):
    out = {"libs": LIBS}
    if "yaml" in globals():
        out["yaml"] = yaml.safe_load("a: [1, 2, 3]\nb: {c: d}\n")
    if "six" in globals():
        out["six"] = six.text_type("x") * 3
    if "jmespath" in globals():
        out["jmespath"] = jmespath.search("a[1]", {"a": [10, 20, 30]})
    if "dateutil" in globals():
        out["dateutil"] = dateutil.parser.isoparse("2024-01-02T03:04:05").isoformat()
    out["setuptools"] = importlib.metadata.version("setuptools")
    eps = importlib.metadata.entry_points(group="distutils.commands")
    out["distutils_commands"] = len(eps)
    dists = {}
    for name in ("setuptools", "wheel", "PyYAML", "six", "jmespath", "python-dateutil"):
        try:
            dists[name] = [importlib.metadata.version(name), importlib.metadata.requires(name)]
        except importlib.metadata.PackageNotFoundError:
            pass
    out["dists"] = dists
    return json.loads(json.dumps(out))
EOF
} >"$pkg/lambda_function.py"

# 4. Bytecode, as most build scripts leave it.
"$PYTHON" -m compileall -q "$pkg" >/dev/null || die "compileall failed"

# Whatever the copies brought, the umask mistake holds everywhere.
find "$pkg" -type d -exec chmod 0700 {} +
find "$pkg" -type f -exec chmod 0600 {} +

case $kind in
wrapped) (cd "$dir" && zip -qr pkg.zip lambdaPackage) ;;
modes-only) (cd "$pkg" && zip -qr ../pkg.zip .) ;;
esac
[ -s "$dir/pkg.zip" ] || die "zip produced nothing"
echo "$libs" >"$dir/libs"
