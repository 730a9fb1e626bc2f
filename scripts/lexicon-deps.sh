#!/usr/bin/env bash
# Debian packages that scripts/build_lexicon.py reads to rebuild workbench/data/lexicon-ru-en.tsv.gz
# (not needed to run or test the product, which reads the shipped file):
#   mueller7-dict     Mueller's English-Russian dictionary (dictd format, GPL-2+)
#   apertium-rus-ukr  Apertium's Ukrainian-Russian bilingual dictionary (GPL), compiled
#   lttoolbox-dev     lt-print, which prints that compiled dictionary as text
# Also: pip install '.[lexicon]' (eflomal).
set -euo pipefail
packages="mueller7-dict apertium-rus-ukr lttoolbox-dev"
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages
else
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages
fi
