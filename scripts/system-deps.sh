# Sourced by test.sh: Debian packages the end-to-end tests need (Chromium for the browser test).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "test.sh: chromium is not installed; run: sudo apt-get install chromium" >&2
  fi
fi
