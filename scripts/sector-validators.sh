#!/usr/bin/env bash
# The sector's own open-source validators for the statutory returns, each in its own virtual
# environment because they pin old pandas (shared/domain/returns.md section 9):
#   .venv-903  Data to Insight csc-validator-be-903 (module lac_validator)
#   .venv-cin  Data to Insight csc-validator-be-cin (module cin_validator)
# Safe to run again: a venv is rebuilt only when its pin changes. Versions are pinned; re-check
# PyPI each return season (the DfE rule packs change yearly).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}

make_venv() {
    local dir=$1 want=$2
    if [ "$(cat "$dir/.pinned" 2>/dev/null)" = "$want" ] && "$dir/bin/python" -c 'import sys' 2>/dev/null; then
        return
    fi
    echo "sector-validators: installing $want into $dir"
    "$PYTHON" -m venv --clear "$dir"
    # shellcheck disable=SC2086
    "$dir/bin/python" -m pip install --disable-pip-version-check -q $want
    echo "$want" > "$dir/.pinned"
}

make_venv .venv-903 "csc-validator-be-903==0.1.17"
make_venv .venv-cin "csc-validator-be-cin==0.1.13 numpy<2"  # the package leaves numpy unpinned; pandas 1.5 needs numpy 1
