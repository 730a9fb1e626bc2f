#!/usr/bin/env bash
# Set up everything (virtual environment, dependencies), import corpus/ on first start, start the app.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup-venv.sh
# The server's operator imports the seed articles (idempotent; recorded as 'run.sh (operator)').
.venv/bin/workbench --user run.sh --operator import corpus/ >/dev/null
echo "Starting the workbench at http://localhost:${PORT:-8501}"
exec .venv/bin/workbench serve --port "${PORT:-8501}"
