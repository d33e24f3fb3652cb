# Sourced by the install-*.sh scripts: given `missing` (Debian packages) and `explain` (a function saying what
# needs them), handles --check, finds root or password-less sudo, and leaves SUDO and APT set with the package
# lists updated. The caller then runs "${APT[@]}" install ... itself.
if [ "${1:-}" = "--check" ]; then explain; exit 1; fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "Not root and no password-less sudo: cannot install ${missing[*]} here." >&2
  explain
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "No apt-get on this machine." >&2
  explain
  exit 1
fi
echo "Installing ${missing[*]} with apt-get ..."
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q
     -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
"${APT[@]}" update
