# Sourced by test.sh: Debian packages the project needs: Chromium for the browser tests, OmegaT for the
# translation-memory round trip through a real CAT tool, and the Hunspell dictionaries that the spelling
# and untranslated-word flags read (/usr/share/hunspell/*.dic), and libgomp1 for LightGBM.
# (What scripts/build_lexicon.py reads to rebuild the shipped lexicon: scripts/lexicon-deps.sh.)
_workbench_missing=""
command -v chromium >/dev/null 2>&1 || _workbench_missing="$_workbench_missing chromium"
command -v omegat >/dev/null 2>&1 || _workbench_missing="$_workbench_missing omegat"
for _dic in ru_RU:hunspell-ru uk_UA:hunspell-uk en_US:hunspell-en-us; do
  [ -f "/usr/share/hunspell/${_dic%%:*}.dic" ] || _workbench_missing="$_workbench_missing ${_dic#*:}"
done
# LightGBM's wheel (the flags' risk model) links the GNU OpenMP runtime.
ldconfig -p 2>/dev/null | grep -q libgomp.so.1 || _workbench_missing="$_workbench_missing libgomp1"
if [ -n "$_workbench_missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    # shellcheck disable=SC2086  # the package list is meant to split into words
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $_workbench_missing >/dev/null
  else
    echo "test.sh: not installed:$_workbench_missing; run: sudo apt-get install$_workbench_missing" >&2
  fi
fi
unset _workbench_missing _dic
