#!/usr/bin/env bash
# Install the system programs a make target needs from Debian's packages when they are missing.
#   tools/system-deps.sh TARGET PROGRAM:PACKAGE...
#   e.g. tools/system-deps.sh test chromium:chromium pdftoppm:poppler-utils nginx:nginx
# As root it runs apt-get; otherwise it uses sudo when sudo works without a password prompt;
# otherwise it stops with one line saying exactly what to run. Exit 0 = everything is there.
set -u
if [ $# -lt 1 ]; then echo "usage: $0 TARGET [PROGRAM:PACKAGE]..." >&2; exit 2; fi
what=$1; shift
want="$*"

have() {  # a program on PATH, or nginx in /usr/sbin (not on a normal user's PATH)
  command -v "$1" >/dev/null 2>&1 || { [ "$1" = nginx ] && [ -x /usr/sbin/nginx ]; }
}

missing=()
for pair in $want; do
  have "${pair%%:*}" || missing+=("${pair#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

line="sudo apt-get update && sudo apt-get install -y ${missing[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt=(apt-get)
elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  apt=(sudo -n apt-get)
else
  echo "tipdash: missing ${missing[*]} (needed by 'make $what'); install them with: $line" >&2
  exit 1
fi

echo "tipdash: installing ${missing[*]} from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { "${apt[@]}" update -qq && "${apt[@]}" install -y -qq "${missing[@]}" >/dev/null; }; then
  echo "tipdash: apt-get could not install ${missing[*]}; install them with: $line" >&2
  exit 1
fi
for pair in $want; do
  have "${pair%%:*}" || { echo "tipdash: ${pair#*:} installed but '${pair%%:*}' is still not found; install it with: $line" >&2; exit 1; }
done
