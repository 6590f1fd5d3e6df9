#!/usr/bin/env bash
# Prepares a working copy: the Python virtualenv (.venv) with the pinned dependencies (the
# service's, requirements.txt, and the development tools', requirements-dev.txt), and the
# front-end assets (node_modules, then frontend/dist). Safe to run again and again: each step
# keeps a stamp of what it was built from and is skipped while that has not changed.
#
# Needs: Python 3.11+ (as python3, or set PYTHON) and Node.js 20+ with npm.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
PYTHON=${PYTHON:-python3}

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

# Hash of the named files' contents (and names), so a stamp changes when any of them does.
hash_files() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }

# One bootstrap at a time per working copy (the demo and the tests may be started together).
if command -v flock >/dev/null 2>&1; then
    lock="${TMPDIR:-/tmp}/safeguarding-bootstrap-$(printf '%s' "$root" | sha256sum | cut -c1-16).lock"
    exec 9>"$lock"
    flock 9
fi

# --- Python ------------------------------------------------------------------------------
command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found: install Python 3.11 or newer"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "Python 3.11 or newer is needed ($PYTHON is $("$PYTHON" -V 2>&1))"

if ! .venv/bin/python -c 'import sys' >/dev/null 2>&1; then
    say "creating the virtualenv in .venv"
    "$PYTHON" -m venv --clear .venv
fi

py_stamp=.venv/.bootstrap-requirements
py_want="$(hash_files requirements.txt requirements-dev.txt) $(.venv/bin/python -V 2>&1)"
if [ "$(cat "$py_stamp" 2>/dev/null)" != "$py_want" ]; then
    say "installing Python dependencies from requirements-dev.txt (which includes requirements.txt)"
    .venv/bin/python -m pip install --disable-pip-version-check -r requirements-dev.txt
    printf '%s\n' "$py_want" > "$py_stamp"
else
    say "Python dependencies up to date"
fi

# --- Front end ---------------------------------------------------------------------------
command -v node >/dev/null 2>&1 || die "node not found: install Node.js 20 or newer"
command -v npm >/dev/null 2>&1 || die "npm not found: install Node.js 20 or newer with npm"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
    || die "Node.js 20 or newer is needed (node is $(node --version))"

# npm ci installs the devDependencies too: axe-core, which the browser tests run on every page.
npm_stamp=node_modules/.bootstrap-lock
npm_want="$(hash_files package.json package-lock.json) node $(node --version)"
if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_want" ] || [ ! -s node_modules/axe-core/axe.min.js ]; then
    say "installing front-end packages (npm ci)"
    npm ci --no-audit --no-fund --include=dev
    [ -s node_modules/axe-core/axe.min.js ] || die "npm ci did not install axe-core (node_modules/axe-core/axe.min.js)"
    printf '%s\n' "$npm_want" > "$npm_stamp"
else
    say "front-end packages up to date"
fi

# The build reads the npm packages and everything under frontend/ except its output.
build_stamp=frontend/dist/.bootstrap-build
mapfile -t build_inputs < <(find frontend -path frontend/dist -prune -o -type f -print | LC_ALL=C sort)
build_want="$(hash_files package-lock.json "${build_inputs[@]}")"
if [ ! -s frontend/dist/css/app.css ] || [ "$(cat "$build_stamp" 2>/dev/null)" != "$build_want" ]; then
    say "building front-end assets (npm run build)"
    npm run build
    [ -s frontend/dist/css/app.css ] || die "npm run build did not produce frontend/dist/css/app.css"
    printf '%s\n' "$build_want" > "$build_stamp"
else
    say "front-end assets up to date"
fi
