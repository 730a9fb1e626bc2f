# Sourced by run.sh and test.sh: create .venv and install the project (torch CPU build first).
# EXTRAS=dev installs the test dependencies too.
set -euo pipefail
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# torch first and pinned: the CPU build. A bare "torch" requirement would pull a multi-GB CUDA build.
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".${EXTRAS:+[$EXTRAS]}"
