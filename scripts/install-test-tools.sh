#!/usr/bin/env bash
# Makes sure the programs the voice and browser tests use are on this machine:
#   espeak-ng  the callers' voice in test calls (and Roomi's last-resort voice)
#   sox        builds the fake-microphone WAV for the browser test
#   chromium   Debian's chromium, headless, for the call page test
#   redis-server  a real Redis for the tests of limits shared by several API processes
#
#   scripts/install-test-tools.sh          find them, or install the missing ones with apt-get (root or sudo -n)
#   scripts/install-test-tools.sh --check  only look; exit 1 when one is missing
set -euo pipefail

declare -A PACKAGE=([espeak-ng]=espeak-ng [sox]=sox [chromium]=chromium [redis-server]=redis-server)
missing=()
for program in espeak-ng sox chromium redis-server; do
  command -v "$program" >/dev/null 2>&1 || missing+=("${PACKAGE[$program]}")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "espeak-ng, sox, chromium and redis-server found"
  exit 0
fi
explain() {
  echo "The voice, browser and Redis tests need: ${missing[*]}. Install them, e.g. sudo apt-get install ${missing[*]}" >&2
}
source "$(dirname "$0")/lib/apt.sh"
"${APT[@]}" install --no-install-recommends "${missing[@]}"
