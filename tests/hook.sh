#!/bin/sh
# shellcheck disable=SC1091,SC2015,SC2016
# hook.sh - `ziplint hook install` as a git remote meets it: a real
# `git push` to a local bare remote is refused while the committed package
# is broken and goes through once `ziplint fix` has repaired it; a hook
# ziplint did not write is kept unless --force; core.hooksPath is
# honoured; no configured archive is a pass with a note.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

command -v git >/dev/null 2>&1 || skip "git is not installed"
Z=$ZIPLINT
WRAPPED=zl101-fire-wrapper.zip
need_fixtures $WRAPPED
export NO_COLOR=1
# A git of our own: no user or system config may change what it does.
HOME=$TMP/home
GIT_CONFIG_NOSYSTEM=1
export HOME GIT_CONFIG_NOSYSTEM
mkdir -p "$HOME"
git config --global user.name "ziplint test"
git config --global user.email "test@example.invalid"
git config --global init.defaultBranch main
git config --global advice.detachedHead false

git init -q --bare "$TMP/remote.git"
R=$TMP/work
git init -q "$R"
cd "$R" || exit 99
mkdir -p dist
cp "$(fixture $WRAPPED)" dist/function.zip
cat >.ziplint <<'EOF'
[ziplint]
handler = lambda_function.lambda_handler

[hook]
paths = dist/*.zip build/layer.zip
EOF
git add -A
git commit -q -m "a broken package"
git remote add origin "$TMP/remote.git"

# ---- install ----

expect_status 0 "$Z" hook install
expect_out "^installed \\.git/hooks/pre-push "
expect_out " hook run: check on the \[hook\] paths of \.ziplint)$"
hook=.git/hooks/pre-push
[ -x "$hook" ] && pass "hook is executable" || fail "hook is not executable"
grep -q '^# ziplint-hook: written by' "$hook" && pass "hook is marked" || fail "hook not marked"
# It calls ziplint by an absolute path that runs (in the build tree, the
# libtool wrapper, not .libs/).
zpath=$(sed -n "s/^ZIPLINT='\\(.*\\)'\$/\\1/p" "$hook")
case $zpath in
/*) pass "absolute ziplint path $zpath" ;;
*) fail "ziplint path '$zpath' is not absolute" ;;
esac
case $zpath in
*/.libs/*) fail "hook calls the libtool binary $zpath" ;;
*) pass "hook does not call .libs/" ;;
esac
"$zpath" --version >/dev/null 2>&1 && pass "hook's ziplint runs" || fail "hook's ziplint does not run"

# ---- the push is refused while the package is broken ----

# git may hand the hook's stdout to its own stdout or stderr: take both.
push() { git push origin main 2>&1; }

expect_status 1 push
expect_out 'ZL101 nested-top-level'
expect_out 'ziplint pre-push: push stopped'
expect_out 'dist/function\.zip'
if git --git-dir="$TMP/remote.git" rev-parse -q --verify refs/heads/main >/dev/null; then
    fail "the broken package reached the remote"
else
    pass "the remote has no main"
fi

# ---- ziplint fix repairs it; the push goes through ----

expect_status 0 "$Z" fix dist/function.zip
git commit -q -a -m "fixed by ziplint"
expect_status 0 push
expect_no_out 'push stopped'
[ "$(git --git-dir="$TMP/remote.git" rev-parse refs/heads/main)" = "$(git rev-parse HEAD)" ] &&
    pass "the remote has the fixed commit" || fail "the remote does not have the fixed commit"

# A damaged (unreadable) package blocks too: status 2.
printf 'not a zip\n' >dist/function.zip
git commit -q -a -m "truncated"
expect_status 1 push
expect_out 'could not be checked'

# No configured archive exists: a pass, with a note.
git rm -q dist/function.zip
git commit -q -m "no build output"
expect_status 0 push
expect_out 'none of the \[hook\] paths'

# ---- a hook ziplint did not write ----

printf '#!/bin/sh\necho mine\n' >"$hook"
chmod +x "$hook"
before=$(sha256 "$hook")
expect_status 1 "$Z" hook install
expect_err 'was not written by ziplint'
[ "$(sha256 "$hook")" = "$before" ] && pass "foreign hook kept" || fail "foreign hook replaced"
expect_status 0 "$Z" hook install --force
grep -q '^# ziplint-hook: written by' "$hook" && pass "--force replaced it" ||
    fail "--force did not replace it"
# Its own hook is replaced without --force.
expect_status 0 "$Z" hook install

# ---- core.hooksPath (and install from a sub-folder) ----

git config core.hooksPath .githooks
mkdir -p sub
cd sub || exit 99
expect_status 0 "$Z" hook install
cd .. || exit 99
[ -x .githooks/pre-push ] && pass "installed in core.hooksPath" ||
    fail "not installed in core.hooksPath"
mkdir -p dist
cp "$(fixture $WRAPPED)" dist/function.zip
git add -A
git commit -q -m "broken again"
expect_status 1 push
expect_out 'ZL101'

# ---- outside a repository; usage ----

mkdir -p "$TMP/norepo"
cd "$TMP/norepo" || exit 99
expect_status 2 env GIT_CEILING_DIRECTORIES="$TMP" "$Z" hook install
expect_err 'not in a git repository'
expect_status 2 "$Z" hook
expect_status 2 "$Z" hook uninstall
expect_status 0 "$Z" hook --help
expect_out '--force'
# `hook run` with no .ziplint is a pass with a note.
expect_status 0 "$Z" hook run
expect_err 'no \.ziplint found'

finish
