#!/usr/bin/env bash
# Bad input stops the bptt chapter with a clear message and a non-zero exit status, and writes nothing.
# Usage: Tests/cli-errors-bptt.sh <bptt executable> <data directory (unused: the chapter reads none)>
set -u
exe=$1
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
expect 1 "no such directory of reference cases" -- --fixtures "$work/nowhere"
expect 1 "gru_3layer_nobias_batchfirst.json: not valid JSON" -- --fixtures "$(printf '{"schema_version": 1,' | cases_with broken gru_3layer_nobias_batchfirst.json)"
# The same case with one gradient entry (grads.parameters.rnn.weight_ih_l0[0][0]) moved by 1e-6.
changed=$(sed 's/"grads":{"parameters":{"rnn.weight_ih_l0":{"dtype":"float64","shape":\[3,2\],"data":\[\[-0.06316387348515672/"grads":{"parameters":{"rnn.weight_ih_l0":{"dtype":"float64","shape":[3,2],"data":[[-0.06316487348515672/' \
  Tests/Fixtures/reference/rnn_tanh_single_step.json)
if [ "$changed" = "$(cat Tests/Fixtures/reference/rnn_tanh_single_step.json)" ]; then
  echo "FAIL: the gradient entry to change was not found"; failures=$((failures + 1))
fi
expect 1 "rnn_tanh_single_step.json: differs from PyTorch" -- --fixtures "$(printf '%s\n' "$changed" | cases_with changed rnn_tanh_single_step.json)"

if [ "$failures" -ne 0 ]; then echo "$failures bad-input case(s) failed"; exit 1; fi
echo "Every bad input was refused with a message and nothing written."
