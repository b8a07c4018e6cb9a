#!/usr/bin/env bash
# Bad input stops the book tool with a clear message and a non-zero exit status.
# Usage: Tests/cli-errors-book.sh <book executable> <data directory>
set -u
book=$1 data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# check STATUS PATTERN -- ARGS...: `book ARGS` exits with STATUS and prints a line matching
# PATTERN (on standard error, or standard output for book data's report).
check() {
  local status=$1 pattern=$2; shift 3
  "$book" "$@" >"$work/stdout" 2>"$work/stderr"
  local got=$?
  if [ "$got" -ne "$status" ] || ! cat "$work/stderr" "$work/stdout" | grep -qE -e "$pattern"; then
    echo "FAIL: book $* -> exit $got (wanted $status), output:"; cat "$work/stderr" "$work/stdout" | sed 's/^/    /'
    failures=$((failures + 1))
  else
    echo "ok: book $* -> exit $got: $(cat "$work/stderr" "$work/stdout" | head -1)"
  fi
}

mkdir -p "$work/outputs" && echo "metric,value" >"$work/outputs/summary.csv"
touch "$work/a-file"

# Two missing directories never "match".
check 1 "the expected directory .*/nowhere does not exist; the actual directory .*/nowhere-else does not exist" -- diff "$work/nowhere" "$work/nowhere-else"
check 1 "the actual directory .*/nowhere does not exist" -- diff "$work/outputs" "$work/nowhere"
check 1 "the expected directory .*/nowhere does not exist" -- diff "$work/nowhere" "$work/outputs"
check 1 "the actual directory .*/a-file is a file, not a directory" -- diff "$work/outputs" "$work/a-file"
check 0 "matches" -- diff "$work/outputs" "$work/outputs"
check 2 "diff: EXPECTED is empty" -- diff "" "$work/outputs"
check 2 "diff: ACTUAL is empty" -- diff "$work/outputs" ""

# book data: an empty or unknown argument; the datasets the chapters read are enough (tiny
# Shakespeare, in the manifest for a later chapter, is fetched only when asked for).
check 2 "data: --into is empty" -- data --into ""
check 2 "data: unknown dataset 'shakespeare'.*tinyshakespeare" -- data --into "$work/data" shakespeare
mkdir -p "$work/data"
for dataset in names airline timemachine; do cp -R "$data/$dataset" "$work/data/"; done
check 0 "^names, airline, timemachine: present and verified" -- data --into "$work/data"
if grep -q fetching "$work/stdout" || [ -e "$work/data/tinyshakespeare" ]; then
  echo "FAIL: book data fetched a dataset no chapter reads"; failures=$((failures + 1))
fi
check 1 "data directory .*/a-file cannot hold names/: .*a-file is a file, not a directory" -- data --into "$work/a-file"
check 2 "conformance: DIR is empty" -- conformance ""

if [ "$failures" -ne 0 ]; then echo "$failures bad-input case(s) failed"; exit 1; fi
echo "Every bad input was refused with a message."
