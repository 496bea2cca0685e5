#!/bin/sh
# Fill in the ACL template users.acl (written by `radar acl`) with passwords from the
# environment: each `>${VARIABLE}` becomes `#` and the SHA-256 of that variable's value, the
# form Redis and Valkey take for a hashed password, so no password is written out. Comment
# lines are dropped (an ACL file has none). Users named after OUTPUT are left out.
#
#   render-acl.sh TEMPLATE OUTPUT [USER ...]
#
# It refuses, and writes nothing, while a variable it needs is empty or unset. POSIX sh with
# sed, cut and sha256sum: it runs in the valkey image (docker-compose.yml) and anywhere else.
set -eu

if [ "$#" -lt 2 ]; then
  echo "usage: render-acl.sh TEMPLATE OUTPUT [USER_TO_LEAVE_OUT ...]" >&2
  exit 2
fi
template=$1
output=$2
shift 2

umask 077
rendered=""
missing=""
newline='
'
while IFS= read -r line || [ -n "$line" ]; do
  case $line in
    '#'* | '') continue ;;
  esac
  user=$(printf '%s\n' "$line" | cut -d ' ' -f 2)
  for left_out in "$@"; do
    if [ "$user" = "$left_out" ]; then
      continue 2
    fi
  done
  variable=$(printf '%s\n' "$line" | sed -n 's/.*>\${\([A-Z0-9_]*\)}.*/\1/p')
  if [ -n "$variable" ]; then
    eval "value=\${$variable:-}"  # the name is [A-Z0-9_]* by the pattern above
    if [ -z "$value" ]; then
      missing="$missing $variable"
      continue
    fi
    hash=$(printf '%s' "$value" | sha256sum | cut -d ' ' -f 1)
    line=$(printf '%s\n' "$line" | sed "s/>\${$variable}/#$hash/")
  fi
  rendered="$rendered$line$newline"
done <"$template"

if [ -n "$missing" ]; then
  echo "render-acl.sh: set$missing" >&2
  exit 1
fi
printf '%s' "$rendered" >"$output.tmp"
mv "$output.tmp" "$output"
