# shellcheck shell=bash
# Sourced by ./run-tests: makes sure of the Debian packages the tests drive, before anything is
# built. The list is scripts/test-packages.txt (HARMONT_TEST_PACKAGES_FILE names another one, e.g.
# to try this with a package that is not installed).

# Prints "PACKAGE SKIP_VARIABLE" for each package this run needs: those whose variable is not 1.
harmont_test_packages() {
  local root list line pkg skip
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  list=${HARMONT_TEST_PACKAGES_FILE:-$root/scripts/test-packages.txt}
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%%#*}
    pkg='' skip=''
    read -r pkg skip _ <<<"$line" || true
    [ -n "$pkg" ] || continue
    if [ -n "$skip" ] && [ "${!skip:-}" = 1 ]; then
      continue
    fi
    echo "$pkg $skip"
  done <"$list"
}

# Installs the missing packages with apt-get (as root, or through `sudo -n`); when it cannot,
# prints one line naming the command to run and returns 1.
harmont_ensure_test_packages() {
  local pkg skip needed=() missing=() skips=()
  while read -r pkg skip; do
    needed+=("$pkg")
    # "install ok installed", or "hold ok installed" for a held package.
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != *" ok installed" ]]; then
      missing+=("$pkg")
      [ -z "$skip" ] || [[ " ${skips[*]} " == *" $skip=1 "* ]] || skips+=("$skip=1")
    fi
  done < <(harmont_test_packages)
  [ "${#needed[@]}" -gt 0 ] || return 0
  if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "run-tests: no dpkg-query/apt-get here, so not checked: the tests need ${needed[*]} (Debian's names) and fail naming what is missing" >&2
    return 0
  fi
  [ "${#missing[@]}" -gt 0 ] || return 0

  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "run-tests: the tests drive packages that are not installed; run: sudo apt-get install -y ${missing[*]}${skips[*]:+   (or skip those tests: ${skips[*]} ./run-tests)}" >&2
      return 1
    fi
  fi
  echo "run-tests: installing ${missing[*]} (${sudo[*]:+${sudo[*]} }apt-get install)" >&2
  local log
  log=$(mktemp)
  # Waits for a held dpkg lock (e.g. unattended-upgrades) instead of failing at once. A fresh
  # machine may have no package lists yet: a failed install is retried once after apt-get update.
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -y -q)
  if "${apt[@]}" install "${missing[@]}" >"$log" 2>&1 ||
    { "${apt[@]}" update >>"$log" 2>&1 && "${apt[@]}" install "${missing[@]}" >>"$log" 2>&1; }; then
    rm -f "$log"
    return 0
  fi
  tail -n 15 "$log" >&2
  rm -f "$log"
  echo "run-tests: could not install ${missing[*]}; run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  return 1
}
