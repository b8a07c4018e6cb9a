#!/usr/bin/env bash
# Bad input stops the bidirectional chapter with a clear message and a non-zero exit status, and
# writes nothing. Usage: Tests/cli-errors-bidirectional.sh <bidirectional executable> <data directory>
set -u
exe=$1 data=$2
mode=--quick
source "$(dirname "$0")/cli-expect.sh"

# A data directory with the names intact and the Time Machine replaced by the bytes on stdin.
text_with() { data_with "$1" timemachine/timemachine.txt names; }

expect 2 "unknown option '--frobnicate'" -- --data "$data" --frobnicate
expect 2 "needs an integer" -- --data "$data" --seed many
expect 2 "seed must be non-negative" -- --data "$data" --seed -3
expect 2 "data needs a directory, got an empty one" -- --data ""
expect 1 "missing data file .*names.*make data" -- --data "$work/nowhere"
expect 1 "timemachine.txt is corrupt.*SHA-256" -- --data "$(printf 'The Time Traveller\n' | text_with corrupt)"
output_cases --data "$data"

finish
