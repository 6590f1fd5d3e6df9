#!/usr/bin/env bash
# Time from the README's first command on a fresh clone to the first page served.
#
#   bash benchmarks/first_page.sh            # clones this repository's HEAD into a temporary folder
#
# Prints the seconds until http://127.0.0.1:$PORT/sign-in/ answers 200, then stops the server
# and removes the clone. Package downloads come from pip's and npm's caches when they are warm,
# as on a developer's machine; the first run on a new machine also downloads them.
set -euo pipefail

port=${PORT:-8123}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
cleanup() {
    [ -n "${server:-}" ] && kill -- -"$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

git clone -q "$repo" "$work/clone"
cd "$work/clone"
start=$(date +%s%N)
set -m
ADDRESS="127.0.0.1:$port" bash scripts/serve-demo.sh > "$work/serve.log" 2>&1 &
server=$!
set +m
until curl -fsS -o /dev/null "http://127.0.0.1:$port/sign-in/" 2>/dev/null; do
    if ! kill -0 "$server" 2>/dev/null; then
        echo "first_page: the server stopped; its log follows" >&2
        cat "$work/serve.log" >&2
        exit 1
    fi
    sleep 0.5
done
end=$(date +%s%N)
python3 -c "print(f'first page served {($end - $start) / 1e9:.1f} s after the command started (fresh clone of $(git rev-parse --short HEAD))')"
