#!/usr/bin/env bash
# Bad input stops the time-series chapter with a clear message and a non-zero exit status, and
# writes nothing. Usage: Tests/cli-errors-time-series.sh <time-series executable> <data directory>
set -u
exe=$1 data=$2
mode=--quick
source "$(dirname "$0")/cli-expect.sh"

# A data directory whose airline file is replaced by the bytes on stdin.
airline_with() { data_with "$1" airline/airline-passengers.csv; }

expect 2 "unknown option '--frobnicate'" -- --data "$data" --frobnicate
expect 2 "finite number" -- --data "$data" --learning-rate fast
expect 2 "at least 2" -- --data "$data" --seeds 1
expect 2 "seed must be non-negative" -- --data "$data" --seed -3
expect 2 "data needs a directory, got an empty one" -- --data ""
expect 1 "missing data file .*make data" -- --data "$work/nowhere"
expect 1 "corrupt.*SHA-256" -- --data "$(head -c 500 "$data/airline/airline-passengers.csv" | airline_with truncated)"
expect 1 "diverged.*learning-rate" -- --data "$data" --learning-rate 1e200
touch "$work/data-file"
expect 1 "the data directory .*/data-file is a file, not a directory" -- --data "$work/data-file"
mkdir -p "$work/directory-data/airline/airline-passengers.csv"
expect 1 "data file .*/airline-passengers.csv is a directory, not a file" -- --data "$work/directory-data"
output_cases --data "$data"

finish
