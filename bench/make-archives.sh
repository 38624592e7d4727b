#!/bin/sh
# Build the benchmark archives of issue 7 under BENCH_DIR (default
# /tmp/ziplint-bench), once: an archive that already exists is kept, so
# `make bench` can be run again without rebuilding (delete BENCH_DIR, or
# set BENCH_REBUILD=1, to start over).
#
#   pkg.zip    a realistic big package with the common mistakes: a
#              lambdaPackage/ wrapper holding botocore, boto3, numpy, scipy,
#              pandas and yaml from Debian's python3-* packages, with their
#              __pycache__ and dist-info/egg-info, files 0600, folders 0700
#   tiny10k.zip, tiny100k.zip
#              10,000 and 100,000 tiny entries (a correct package)
#   bigso.zip  a real shared object grown to about 150 MB by an
#              incompressible section added with objcopy (files 0600, so
#              that `fix` has something to rewrite)
#
# Needs: python3 python3-numpy python3-scipy python3-pandas python3-boto3
# python3-yaml zip gcc binutils (see bench/README.md).
set -eu

BENCH_DIR=${BENCH_DIR:-/tmp/ziplint-bench}
SITE=${BENCH_SITE:-/usr/lib/python3/dist-packages}
PY=${PYTHON:-python3}

die() { echo "make-archives.sh: $*" >&2; exit 1; }

for tool in "$PY" zip gcc objcopy; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found (see bench/README.md)"
done

# The big package's contents, as Debian installs them: the import packages
# and their metadata folders (named with versions, so found by pattern).
PKGS="botocore boto3 numpy scipy pandas yaml _yaml"
META="botocore-*.egg-info boto3-*.egg-info numpy-*.egg-info scipy-*.dist-info
pandas-*.egg-info PyYAML-*.dist-info"
missing=
for p in botocore boto3 numpy scipy pandas yaml; do
	[ -d "$SITE/$p" ] || missing="$missing $p"
done
[ -z "$missing" ] || die "missing in $SITE:$missing; install them with
  apt-get install -y python3-numpy python3-scipy python3-pandas python3-boto3 python3-yaml"

mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
[ "${BENCH_REBUILD:-0}" = 1 ] && rm -f "$BENCH_DIR"/pkg.zip "$BENCH_DIR"/tiny10k.zip \
	"$BENCH_DIR"/tiny100k.zip "$BENCH_DIR"/bigso.zip

# ---- (a) the big package ----
if [ ! -f "$BENCH_DIR/pkg.zip" ]; then
	echo "make-archives.sh: building $BENCH_DIR/pkg.zip" >&2
	stage="$BENCH_DIR/stage-pkg"
	rm -rf "$stage"
	mkdir -p "$stage/lambdaPackage"
	for p in $PKGS; do
		[ -e "$SITE/$p" ] && cp -RL "$SITE/$p" "$stage/lambdaPackage/"
	done
	(cd "$SITE" && for m in $META; do
		[ -e "$m" ] && cp -RL "$m" "$stage/lambdaPackage/"
	done) || true
	# The handler people put next to their dependencies.
	cat > "$stage/lambdaPackage/lambda_function.py" <<'PYEOF'
import json

import boto3
import numpy as np
import pandas as pd
import yaml


def lambda_handler(event, context):
    frame = pd.DataFrame({"x": np.arange(10)})
    return {"statusCode": 200, "body": json.dumps({"sum": int(frame.x.sum())})}
PYEOF
	# Debian byte-compiles only some modules at install time; compile them
	# all, as pip does, so every module has its __pycache__ entry. A few
	# test modules do not compile (Python 2 syntax); that is expected.
	find "$stage" -name __pycache__ -type d -prune -exec rm -rf {} +
	"$PY" -m compileall -q -j 0 "$stage/lambdaPackage" >/dev/null 2>&1 || true
	# The permissions a umask 077 build (or a copy from a private folder) leaves.
	find "$stage" -type f -exec chmod 0600 {} +
	find "$stage" -type d -exec chmod 0700 {} +
	rm -f "$BENCH_DIR/pkg.zip.tmp"
	(cd "$stage" && zip -qr "$BENCH_DIR/pkg.zip.tmp" lambdaPackage)
	mv "$BENCH_DIR/pkg.zip.tmp" "$BENCH_DIR/pkg.zip"
	chmod 0755 "$stage" && rm -rf "$stage"
fi

# ---- (b) 10,000 and 100,000 tiny entries ----
# A correct package (handler at the root, 0644 files, 0755 folders, 100
# modules a folder), written with Python's zipfile: fast and the same
# bytes every time.
tiny() { # COUNT OUT
	"$PY" - "$1" "$2.tmp" <<'PYEOF'
import sys, zipfile
count, out = int(sys.argv[1]), sys.argv[2]
stamp = (2024, 1, 1, 0, 0, 0)
def add(zf, name, data, mode):
    info = zipfile.ZipInfo(name, stamp)
    info.create_system = 3
    info.external_attr = mode << 16
    if name.endswith("/"):
        info.external_attr |= 0x10
        zf.writestr(info, b"")
    else:
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, data)
with zipfile.ZipFile(out, "w") as zf:
    add(zf, "lambda_function.py",
        b"def lambda_handler(event, context):\n    return 0\n", 0o100644)
    add(zf, "app/", b"", 0o40755)
    add(zf, "app/__init__.py", b"", 0o100644)
    n = 3
    d = 0
    while n < count:
        folder = "app/m%04d/" % d
        add(zf, folder, b"", 0o40755)
        n += 1
        i = 0
        while i < 100 and n < count:
            add(zf, "%smod%03d.py" % (folder, i), b"X = %d\n" % n, 0o100644)
            n += 1
            i += 1
        d += 1
PYEOF
	mv "$2.tmp" "$2"
}
for spec in 10000:tiny10k 100000:tiny100k; do
	n=${spec%%:*}; name=${spec#*:}
	if [ ! -f "$BENCH_DIR/$name.zip" ]; then
		echo "make-archives.sh: building $BENCH_DIR/$name.zip" >&2
		tiny "$n" "$BENCH_DIR/$name.zip"
	fi
done

# ---- (c) a 150 MB shared object ----
if [ ! -f "$BENCH_DIR/bigso.zip" ]; then
	echo "make-archives.sh: building $BENCH_DIR/bigso.zip" >&2
	stage="$BENCH_DIR/stage-so"
	rm -rf "$stage"
	mkdir -p "$stage/native"
	cat > "$stage/big.c" <<'CEOF'
#include <math.h>
double bench_hypot(double x, double y) { return sqrt(x * x + y * y); }
CEOF
	gcc -O2 -shared -fPIC -o "$stage/small.so" "$stage/big.c" -lm
	# 150 MiB of random bytes: incompressible, so zip stores it.
	head -c 157286400 /dev/urandom > "$stage/blob"
	# objcopy warns that the section is in no segment: expected, the loader
	# does not map it. Its bytes are what matters here: 150 MB to copy and check.
	objcopy --add-section .blob="$stage/blob" \
		--set-section-flags .blob=alloc,readonly \
		"$stage/small.so" "$stage/native/_big.cpython-311-x86_64-linux-gnu.so"
	printf 'import native._big\n\ndef lambda_handler(event, context):\n    return 0\n' \
		> "$stage/lambda_function.py"
	: > "$stage/native/__init__.py"
	# The same permission mistake as pkg.zip, so that `fix` really rewrites
	# this archive (copying the big entry) rather than finding nothing to do.
	find "$stage" -type f -exec chmod 0600 {} +
	find "$stage" -type d -exec chmod 0700 {} +
	rm -f "$BENCH_DIR/bigso.zip.tmp"
	(cd "$stage" && zip -qr "$BENCH_DIR/bigso.zip.tmp" lambda_function.py native)
	mv "$BENCH_DIR/bigso.zip.tmp" "$BENCH_DIR/bigso.zip"
	rm -rf "$stage"
fi

ls -l "$BENCH_DIR"/pkg.zip "$BENCH_DIR"/tiny10k.zip "$BENCH_DIR"/tiny100k.zip "$BENCH_DIR"/bigso.zip >&2
