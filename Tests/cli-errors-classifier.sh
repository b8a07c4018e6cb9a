#!/usr/bin/env bash
# Bad input stops a chapter with a clear message and a non-zero exit status, and writes nothing.
# Usage: Tests/cli-errors-classifier.sh <chapter executable> <data directory>
set -u
exe=$1 data=$2
source "$(dirname "$0")/cli-expect.sh"

# A copy of the names data whose Greek.txt is replaced by the bytes on stdin.
names_with_greek() { data_with "$1" names/Greek.txt names; }

expect 2 "unknown option '--frobnicate'" -- --data "$data" --frobnicate
expect 2 "needs a value" -- --data "$data" --learning-rate
expect 2 "finite number" -- --data "$data" --learning-rate abc
expect 2 "seed must be non-negative" -- --data "$data" --seed -3
expect 2 "data needs a directory, got an empty one" -- --data ""
expect 1 "missing data file .*make data" -- --data "$work/nowhere"
expect 1 "corrupt.*SHA-256" -- --data "$(printf 'Xenakis\n' | names_with_greek corrupt)"
expect 1 "corrupt.*SHA-256" -- --data "$(printf '' | names_with_greek empty)"
expect 1 "corrupt.*SHA-256" -- --data "$(head -c 100 "$data/names/Greek.txt" | names_with_greek truncated)"
expect 1 "diverged.*learning-rate" -- --data "$data" --quick --learning-rate 1e6
touch "$work/data-file"
expect 1 "the data directory .*/data-file is a file, not a directory" -- --data "$work/data-file"
output_cases --data "$data"

finish
