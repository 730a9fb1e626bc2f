#!/usr/bin/env bash
# Install the dev dependencies and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
EXTRAS=dev source scripts/setup-venv.sh
source scripts/system-deps.sh
# A throwaway PostgreSQL on a loopback port for the store tests on PostgreSQL (stopped on exit).
source scripts/postgres.sh
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
# pytest exits 5 when it collected no tests: treat that as a failure of the suite, not success.
if [ "$status" -eq 5 ]; then echo "test.sh: no tests were collected" >&2; exit 1; fi
exit "$status"
