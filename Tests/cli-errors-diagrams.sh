#!/usr/bin/env bash
# Bad input stops the diagrams program with a clear message and a non-zero exit status, and writes
# nothing; good input writes exactly the figures, replacing earlier ones whole.
# Usage: Tests/cli-errors-diagrams.sh <diagrams executable> <data directory (which diagrams must refuse: it reads none)>
set -u
exe=$1 data=$2
mode=--quick
source "$(dirname "$0")/cli-expect.sh"

expect 2 "unknown option '--frobnicate'" -- --frobnicate
expect 2 "unknown option '--bench'" -- --bench
expect 2 "diagrams reads no dataset, so it takes no --data" -- --data "$data"
expect 2 "threads needs a whole number of at least 1" -- --threads 0
expect 2 "threads needs a value" -- --threads

# The output directory's failures (output_cases in cli-expect.sh, with a figure of this program as
# the earlier output, since it writes no summary.csv).
earlier_figures() {
  mkdir -p "$work/$1"
  printf '<svg xmlns="http://www.w3.org/2000/svg"/>\n' >"$work/$1/unrolled.svg"
  echo "$work/$1"
}
expect 2 "output needs a directory, got an empty one" -- --output ""
touch "$work/a-file"
expect 1 "output directory .*/a-file is a file, not a directory" -- --output "$work/a-file"
expect 1 "output directory .*/a-file/out cannot be created: .*/a-file is a file, not a directory" -- --output "$work/a-file/out"
mkdir -p "$work/package/Figures"; touch "$work/package/Package.swift"
expect 2 "quick never writes into .*/package/Figures" -- --output "$work/package/Figures/diagrams"
dir=$(earlier_figures figure-is-a-directory); rm "$dir/unrolled.svg"; mkdir "$dir/unrolled.svg"
expect_kept 1 "holds unrolled.svg as a directory, where this chapter writes a file" "$dir" --
dir=$(earlier_figures notes); echo "mine" >"$dir/notes.txt"
expect_kept 1 "holds notes.txt, which this chapter does not write" "$dir" --
dir=$(earlier_figures size-limit)
expect_kept 1 "output directory .*/size-limit cannot be written: writing .* failed \(File too large\)" "$dir" 1 --

# Good input. ok NAME CONDITION...: the condition holds.
ok() {
  local name=$1; shift
  if "$@"; then echo "ok: $name"; else echo "FAIL: $name"; failures=$((failures + 1)); fi
}
# the nine figures, and cost.csv (every run writes its product count: here zero)
figures="bidirectional.svg bptt.svg cell_elman.svg cell_gru.svg cell_lstm.svg cost.csv sequence_problems.svg stacked.svg truncated_bptt.svg unrolled.svg"
listing() { (cd "$1" && ls -A | tr '\n' ' ' | sed 's/ $//'); }

# Earlier figures are replaced whole, and the run writes the nine figures, cost.csv and nothing else.
dir=$(earlier_figures earlier)
"$exe" --quiet --quick --output "$dir" 2>"$work/stderr"
ok "a run over earlier figures exits 0 and writes the nine figures and cost.csv" test $? -eq 0 -a "$(listing "$dir")" = "$figures"
ok "the earlier unrolled.svg is replaced" grep -q "folded and unrolled" "$dir/unrolled.svg"

# From another directory, with --quick and no --output: .scratch/quick/diagrams there, never Figures/.
exe_path="$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")"
mkdir -p "$work/elsewhere"
(cd "$work/elsewhere" && "$exe_path" --quiet --quick) 2>"$work/stderr"
ok "--quick from another directory writes .scratch/quick/diagrams and no Figures/" \
  test $? -eq 0 -a "$(listing "$work/elsewhere/.scratch/quick/diagrams" 2>/dev/null)" = "$figures" -a ! -e "$work/elsewhere/Figures"

# A full run draws the same bytes as a quick one: nothing depends on --quick or --threads.
"$exe" --quiet --threads 2 --output "$work/full" 2>"$work/stderr"
ok "a full run (--threads 2) writes the same bytes as the quick one" diff -r "$work/full" "$work/elsewhere/.scratch/quick/diagrams"

# --count-products counts nothing: no matrix is multiplied.
count=$("$exe" --quiet --quick --count-products --output "$work/counted" 2>"$work/stderr")
ok "--count-products prints 'diagrams,0,0' (got '$count')" test "$count" = "diagrams,0,0"

# --help exits 0 and offers no --data.
"$exe" --help >"$work/help" 2>&1
ok "--help exits 0 and lists no --data" test $? -eq 0 -a -n "$(grep -e '--output' "$work/help")" -a -z "$(grep -e '--data' "$work/help")"

finish
