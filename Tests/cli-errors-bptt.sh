#!/usr/bin/env bash
# Bad input stops the bptt chapter with a clear message and a non-zero exit status, and writes nothing.
# Usage: Tests/cli-errors-bptt.sh <bptt executable> <data directory (which bptt must refuse: it reads none)>
set -u
exe=$1 data=$2
mode=--quick
source "$(dirname "$0")/cli-expect.sh"

# A copy of the committed reference cases with one file replaced by the bytes on stdin.
cases_with() {
  local dir="$work/$1"
  mkdir -p "$dir"
  cp Tests/Fixtures/reference/*.json "$dir/"
  cat >"$dir/$2"
  echo "$dir"
}

expect 2 "unknown option '--frobnicate'" -- --frobnicate
expect 2 "needs an integer" -- --seed x
expect 2 "seed must be non-negative" -- --seed -3
expect 2 "bptt reads no dataset, so it takes no --data" -- --data "$data"
expect 2 "fixtures needs a value, got an empty one" -- --fixtures ""
expect 2 "threads needs a whole number of at least 1" -- --threads 0
expect 1 "no such directory of reference cases" -- --fixtures "$work/nowhere"
expect 1 "gru_3layer_nobias_batchfirst.json: not valid JSON" -- --fixtures "$(printf '{"schema_version": 1,' | cases_with broken gru_3layer_nobias_batchfirst.json)"
# The same case with one gradient entry (grads.parameters.rnn.weight_ih_l0[0][0]) moved by 1e-6.
changed=$(sed 's/"grads":{"parameters":{"rnn.weight_ih_l0":{"dtype":"float64","shape":\[3,2\],"data":\[\[-0.06316387348515672/"grads":{"parameters":{"rnn.weight_ih_l0":{"dtype":"float64","shape":[3,2],"data":[[-0.06316487348515672/' \
  Tests/Fixtures/reference/rnn_tanh_single_step.json)
if [ "$changed" = "$(cat Tests/Fixtures/reference/rnn_tanh_single_step.json)" ]; then
  echo "FAIL: the gradient entry to change was not found"; failures=$((failures + 1))
fi
expect 1 "rnn_tanh_single_step.json: .*differs from PyTorch" -- --fixtures "$(printf '%s\n' "$changed" | cases_with changed rnn_tanh_single_step.json)"
output_cases

# Without --fixtures, bptt finds the committed cases from its own path, from any directory; with
# --quick and no --output it writes to .scratch/quick/bptt there, never into Figures/.
exe_path="$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")"
mkdir -p "$work/elsewhere"
if ! (cd "$work/elsewhere" && "$exe_path" --quiet --quick) 2>"$work/stderr" || [ ! -f "$work/elsewhere/.scratch/quick/bptt/summary.csv" ] || [ -e "$work/elsewhere/Figures" ]; then
  echo "FAIL: bptt --quick run from another directory, stderr:"; sed 's/^/    /' "$work/stderr"
  failures=$((failures + 1))
else
  echo "ok: --quick from another directory -> exit 0, the committed cases found, outputs in .scratch/quick/bptt"
fi
# A copy of bptt outside any package, run outside any package: the message names --fixtures.
mkdir -p "$work/bin" && cp "$exe_path" "$work/bin/bptt"
saved=$exe exe="$work/bin/bptt"
cd "$work/elsewhere" && expect 1 "no --fixtures given.*pass --fixtures DIR" -- --seed 1
cd - >/dev/null && exe=$saved

finish
