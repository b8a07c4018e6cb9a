#!/usr/bin/env bash
# Bad input stops a chapter that reads only The Time Machine (char-model, word-model) with a clear
# message and a non-zero exit status, and writes nothing.
# Usage: Tests/cli-errors-timemachine.sh <chapter executable> <data directory>
set -u
exe=$1 data=$2
mode=--quick
source "$(dirname "$0")/cli-expect.sh"

# A data directory whose Time Machine is the bytes on stdin.
text_with() { data_with "$1" timemachine/timemachine.txt; }

expect 2 "unknown option '--frobnicate'" -- --data "$data" --frobnicate
expect 2 "needs an integer" -- --data "$data" --seed many
expect 2 "must be non-negative" -- --data "$data" --seed -3
expect 2 "data needs a directory, got an empty one" -- --data ""
expect 1 "missing data file .*timemachine.*make data" -- --data "$work/nowhere"
expect 1 "timemachine.txt is corrupt.*SHA-256" -- --data "$(printf 'The Time Traveller\n' | text_with corrupt)"
mkdir -p "$work/directory-data/timemachine/timemachine.txt"
expect 1 "data file .*/timemachine.txt is a directory, not a file" -- --data "$work/directory-data"
output_cases --data "$data"

finish
