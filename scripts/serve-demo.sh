#!/usr/bin/env bash
# Runs the service with a synthetic demo authority on http://127.0.0.1:8000 (Ctrl+C stops it).
# Safe to run again: installs nothing that is already installed, migrates only what is new,
# and leaves an existing demo authority as it is (its sign-in accounts are printed again).
#
# Uses the embedded SQLite database (db.sqlite3) unless DATABASE_URL says otherwise.
# ADDRESS changes where it listens (default 127.0.0.1:8000).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh

python=.venv/bin/python
# The audit chain's anchor belongs to one database: a new demo database starts a new anchor, and
# the old one is kept beside it (verify_audit would report the old heads as removed entries).
if [ -z "${DATABASE_URL:-}" ] && [ ! -e db.sqlite3 ] && [ -s var/audit-anchor.jsonl ]; then
    mv var/audit-anchor.jsonl "var/audit-anchor.$(date +%Y%m%d%H%M%S).jsonl"
fi
"$python" manage.py migrate --noinput
# The statistics' rates per 10,000 children are of the demo's own children, not of the real
# authority whose DfE code (Leeds, 383) it borrows: the same number the generator makes.
children=${DEMO_CHILDREN:-2000}
# The demo shows the education duties of the Children's Wellbeing and Schools Act 2026 (consent
# to home educate, s434A; the children not in school register, s436B): in force from 1 September
# 2026 here, an assumed day, not the real commencement. Set either to empty to see the demo
# without it (on a new database: the generator makes their records only while in force).
export SAFEGUARDING_S434A_COMMENCEMENT=${SAFEGUARDING_S434A_COMMENCEMENT-2026-09-01}
export SAFEGUARDING_CNIS_COMMENCEMENT=${SAFEGUARDING_CNIS_COMMENCEMENT-2026-09-01}
export SAFEGUARDING_CHILD_POPULATION=${SAFEGUARDING_CHILD_POPULATION:-$children}
"$python" manage.py generate_authority --children "$children" --seed 1

# The audit sealer links new audit entries into the hash chain every 10 seconds.
"$python" manage.py seal_audit --loop --every 10 > /dev/null &
sealer=$!
# The background worker runs the jobs on the task queue in the database (django-tasks), such as
# the sector's validators asked for on the returns pages.
"$python" manage.py db_worker --no-reload --interval 1 --verbosity 0 > /dev/null &
worker=$!
trap 'kill "$sealer" "$worker" 2>/dev/null || true' EXIT INT TERM

address=${ADDRESS:-127.0.0.1:8000}
# The demo's accounts set up their authenticator app at their first sign-in, without a set-up
# link (development only: ignored in production). SAFEGUARDING_SET_UP_AT_FIRST_SIGN_IN=0 tries
# the links instead: manage.py issue_set_up_link USERNAME, or the accounts page as user.admin.
export SAFEGUARDING_SET_UP_AT_FIRST_SIGN_IN=${SAFEGUARDING_SET_UP_AT_FIRST_SIGN_IN:-1}
if [ "${SAFEGUARDING_OTP_REQUIRED:-1}" != "0" ]; then
    if [ "$SAFEGUARDING_SET_UP_AT_FIRST_SIGN_IN" = "1" ]; then
        echo "serve-demo: two-factor codes are on: at first sign-in, add the key shown to an authenticator app."
    else
        echo "serve-demo: two-factor codes are on: set up with a link from: $python manage.py issue_set_up_link USERNAME"
    fi
    echo "serve-demo: for a quick look without one: SAFEGUARDING_OTP_REQUIRED=0 bash scripts/serve-demo.sh"
fi
echo "serve-demo: serving on http://$address/ (Ctrl+C to stop)"
"$python" manage.py runserver "$address" --noreload
