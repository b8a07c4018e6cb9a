#!/usr/bin/env bash
# Bad input stops the bidirectional chapter with a clear message and a non-zero exit status, and
# writes nothing. Usage: Tests/cli-errors-bidirectional.sh <bidirectional executable> <data directory>
set -u
exe=$1 data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

expect() {
  local status=$1 pattern=$2; shift 3
  local out="$work/out"
  rm -rf "$out"
  "$exe" --quiet --quick --output "$out" "$@" >"$work/stdout" 2>"$work/stderr"
  local got=$?
  if [ "$got" -ne "$status" ] || ! grep -qE "$pattern" "$work/stderr" || [ -e "$out" ]; then
    echo "FAIL: $exe $* -> exit $got (wanted $status), stderr:"; sed 's/^/    /' "$work/stderr"
    [ -e "$out" ] && echo "    and it wrote $out"
    failures=$((failures + 1))
  else
    echo "ok: $* -> exit $got: $(head -1 "$work/stderr")"
  fi
}

# A data directory with the names intact and the Time Machine replaced by the bytes on stdin.
text_with() {
  local dir="$work/$1"
  mkdir -p "$dir/timemachine"
  cp -R "$data/names" "$dir/names"
  cat >"$dir/timemachine/timemachine.txt"
  echo "$dir"
}

expect 2 "unknown option '--frobnicate'" -- --data "$data" --frobnicate
expect 2 "needs an integer" -- --data "$data" --seed many
expect 1 "missing data file .*names.*make data" -- --data "$work/nowhere"
expect 1 "timemachine.txt is corrupt.*SHA-256" -- --data "$(printf 'The Time Traveller\n' | text_with corrupt)"

if [ "$failures" -ne 0 ]; then echo "$failures bad-input case(s) failed"; exit 1; fi
echo "Every bad input was refused with a message and nothing written."
