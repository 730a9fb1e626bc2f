# Sourced by run.sh and test.sh: create .venv and install the project (torch CPU build first).
# EXTRAS=dev installs the test dependencies too.
set -euo pipefail
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# pip's notes about this machine's local package mirrors and setuptools' editable-install banner
# are noise for a user; errors still come through (and pipefail keeps pip's exit status).
quiet_pip() {
  .venv/bin/python -m pip install --quiet "$@" 2>&1 \
    | { grep -vE "Location '.*' is ignored|editable_wheel|Editable installation|^\s*!!\s*$|^\s*\*+\s*$|Please be careful with folders|name as your package|with strategy, WheelFile|^\s*$" || true; }
}
quiet_pip --upgrade pip
# torch first and pinned: the CPU build. A bare "torch" requirement would pull a multi-GB CUDA build.
quiet_pip "torch==2.13.0"
quiet_pip -e ".${EXTRAS:+[$EXTRAS]}"
