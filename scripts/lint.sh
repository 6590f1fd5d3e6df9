#!/usr/bin/env bash
# The static checks, in order: ruff's lint, ruff's format check, mypy (the types, configured in
# pyproject.toml's [tool.mypy]) and, once pyproject.toml has a [tool.importlinter] section,
# import-linter's contracts between the apps. Every check runs, so one run shows all that is
# wrong; the script exits non-zero if any of them failed. Uses the tools in .venv (pinned in
# requirements-dev.txt; bash scripts/bootstrap.sh installs them).
#
#   bash scripts/lint.sh
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -x .venv/bin/ruff ] && [ -x .venv/bin/mypy ] \
    || { echo "lint: .venv has no ruff or mypy: run bash scripts/bootstrap.sh" >&2; exit 2; }

failed=()
check() {
    local name=$1
    shift
    printf '==> lint: %s\n' "$name"
    if "$@"; then
        return 0
    fi
    failed+=("$name")
}

check "ruff check" .venv/bin/ruff check .
check "ruff format --check" .venv/bin/ruff format --check .
check "mypy" .venv/bin/mypy
if grep -q '^\[tool\.importlinter\]' pyproject.toml; then
    check "lint-imports" .venv/bin/lint-imports
else
    echo "==> lint: lint-imports skipped (no [tool.importlinter] in pyproject.toml)"
fi

if [ "${#failed[@]}" -gt 0 ]; then
    printf 'lint: FAILED: %s\n' "${failed[*]}" >&2
    exit 1
fi
echo "lint: all checks passed"
