# Sourced by test.sh: Debian packages the end-to-end tests need (Chromium for the browser test) and the
# Hunspell dictionaries the spelling and untranslated-word flags read (/usr/share/hunspell/*.dic).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "test.sh: chromium is not installed; run: sudo apt-get install chromium" >&2
  fi
fi
if [ ! -f /usr/share/hunspell/ru_RU.dic ] || [ ! -f /usr/share/hunspell/uk_UA.dic ] || [ ! -f /usr/share/hunspell/en_US.dic ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      hunspell-ru hunspell-uk hunspell-en-us >/dev/null
  else
    echo "test.sh: Hunspell dictionaries missing; run: sudo apt-get install hunspell-ru hunspell-uk hunspell-en-us" >&2
  fi
fi
# LightGBM's wheel (the flags' risk model) links the GNU OpenMP runtime.
if ! ldconfig -p 2>/dev/null | grep -q libgomp.so.1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libgomp1 >/dev/null
  else
    echo "test.sh: libgomp1 is not installed (LightGBM needs it); run: sudo apt-get install libgomp1" >&2
  fi
fi
