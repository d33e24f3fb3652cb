#!/usr/bin/env bash
# Makes sure the deployment test (tests/deploy/test_compose.py) finds what it needs on this machine:
#   docker.io       Debian's Docker engine (dockerd) and client; the test starts its own dockerd and stops it
#   docker-compose  Debian's Compose 1.29
#   debootstrap     builds the test's base image (no image registry is reachable from the test machines)
#   python3-venv    Debian's python3 venv, which makes the wheelhouse for the images' Python
# No daemon is started or enabled here.
#
#   scripts/install-docker.sh          find them, or install the missing ones with apt-get (root or sudo -n)
#   scripts/install-docker.sh --check  only look; exit 1 when one is missing
set -euo pipefail

missing=()
[ -x /usr/sbin/dockerd ] || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
/usr/bin/python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "dockerd, docker-compose, debootstrap and python3-venv found"
  exit 0
fi
explain() {
  echo "The deployment test needs: ${missing[*]}. Install them, e.g. sudo apt-get install ${missing[*]}" >&2
}
source "$(dirname "$0")/lib/apt.sh"
# policy-rc.d: the package's own service is not started (the test runs its own dockerd with its own data root)
NO_START=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$NO_START" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$NO_START" >/dev/null
  "${SUDO[@]}" chmod 755 "$NO_START"
  created_policy=1
fi
trap '[ "$created_policy" -eq 0 ] || "${SUDO[@]}" rm -f "$NO_START"' EXIT
"${APT[@]}" install --no-install-recommends "${missing[@]}"
