#!/usr/bin/env bash
# Runs the whole test suite: bootstraps (virtualenv, pinned dependencies, front-end build,
# which the browser tests need for their CSS), then pytest over the repository.
#
#   bash scripts/test.sh                 # everything, on SQLite
#   bash scripts/test.sh people -k search    # arguments go to pytest
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeguarding bash scripts/test.sh
#   REQUIRE_BROWSER=1 bash scripts/test.sh   # fail, not skip, when /usr/bin/chromium is missing
#
# Exits with pytest's exit code (5 means no tests were collected).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh

# Screenshots land in test-artifacts/; drop the failure shots of an earlier run.
mkdir -p test-artifacts
rm -f test-artifacts/failed-*.png
# Say which database, without any password in the URL.
echo "test.sh: database: $(printf '%s' "${DATABASE_URL:-sqlite (default)}" | sed -E 's#//[^@/]*@#//***@#')"
exec .venv/bin/python -m pytest "$@"
