#!/usr/bin/env bash
# Installs the Debian packages named on the command line when one is missing.
# Needs root (as on CI and development machines); elsewhere it says what to install and goes on,
# and the tests that need the missing tools are skipped with a notice.
set -u
missing=()
for package in "$@"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    && exit 0
fi
echo "!! Missing system packages: ${missing[*]} (install them with apt-get as root);" >&2
echo "!! the tests that need them will be skipped." >&2
exit 0
