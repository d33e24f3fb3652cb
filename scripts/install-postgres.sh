#!/usr/bin/env bash
# Makes sure PostgreSQL server binaries (initdb, pg_ctl, postgres; version 13 or newer) are on this
# machine, for the integration tests (tests/pg.py starts a throw-away cluster from them).
#
#   scripts/install-postgres.sh          find them, or install them with apt-get (as root or with sudo -n)
#   scripts/install-postgres.sh --check  only look; exit 1 when missing
#
# Idempotent: exits 0 at once when a usable initdb is found. Searches, in order: $ROOMIAI_PG_BIN,
# initdb on PATH, /usr/lib/postgresql/*/bin (newest first), /usr/pgsql-*/bin, /usr/local/pgsql/bin.
# No cluster is created or started by the install: the tests make their own in a temporary directory.
set -euo pipefail

MIN_MAJOR=13
CHECK_ONLY=0
case "${1:-}" in
  --check) CHECK_ONLY=1 ;;
  "") ;;
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

major_of() {  # prints the major version of an initdb binary, or nothing
  "$1" --version 2>/dev/null | sed -n 's/.*(PostgreSQL) \([0-9][0-9]*\).*/\1/p' | head -n1
}

candidates() {
  if [ -n "${ROOMIAI_PG_BIN:-}" ]; then echo "$ROOMIAI_PG_BIN"; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; fi
  local pattern dir
  for pattern in '/usr/lib/postgresql/*/bin' '/usr/pgsql-*/bin' '/usr/local/pgsql/bin'; do
    # newest version first
    for dir in $pattern; do
      if [ -d "$dir" ]; then echo "$dir"; fi
    done | sort -V -r
  done
  return 0
}

find_postgres() {  # prints "<bin dir> <major>" for the first usable installation
  local dir major
  while IFS= read -r dir; do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ] || continue
    major="$(major_of "$dir/initdb")"
    if [ -n "$major" ] && [ "$major" -ge "$MIN_MAJOR" ]; then
      echo "$dir $major"
      return 0
    fi
  done < <(candidates | awk '!seen[$0]++')
  return 1
}

if found="$(find_postgres)"; then
  echo "PostgreSQL ${found#* } server binaries found in ${found% *}"
  exit 0
fi

explain() {
  cat >&2 <<EOF
PostgreSQL server binaries (initdb, pg_ctl, postgres; version $MIN_MAJOR or newer) are needed for the
integration tests and were not found. Install them, then run the tests again:
  Debian/Ubuntu:  sudo apt-get install --no-install-recommends postgresql-15   (or: postgresql)
  Fedora/RHEL:    sudo dnf install postgresql-server
  macOS:          brew install postgresql@15
or point ROOMIAI_PG_BIN at the directory holding initdb. ROOMIAI_SKIP_PG=1 skips those tests.
EOF
}

if [ "$CHECK_ONLY" -eq 1 ]; then
  explain
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "Not root and no password-less sudo: cannot install PostgreSQL here." >&2
  explain
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "No apt-get on this machine: install PostgreSQL yourself." >&2
  explain
  exit 1
fi

echo "Installing PostgreSQL server binaries with apt-get ..."
# The package would otherwise create (and try to start) a 'main' cluster on port 5432; we need none.
"${SUDO[@]}" mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" | "${SUDO[@]}" tee /etc/postgresql-common/createcluster.d/roomiai-tests.conf >/dev/null
export DEBIAN_FRONTEND=noninteractive
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q
     -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
"${APT[@]}" update
"${APT[@]}" install --no-install-recommends postgresql-15 || "${APT[@]}" install --no-install-recommends postgresql

if found="$(find_postgres)"; then
  echo "PostgreSQL ${found#* } server binaries installed in ${found% *}"
  exit 0
fi
echo "apt-get finished but no usable initdb was found." >&2
explain
exit 1
