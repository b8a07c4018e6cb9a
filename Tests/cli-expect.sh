# Shared by Tests/cli-errors-*.sh: `source` it after setting `exe` (the chapter executable) and,
# optionally, `mode` (extra flags for every run, e.g. --quick).
#
# expect STATUS PATTERN -- ARGS...: the run exits with STATUS, stderr matches PATTERN, and the
# output directory is not created.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

expect() {
  local status=$1 pattern=$2; shift 3
  local out="$work/out"
  rm -rf "$out"
  "$exe" --quiet ${mode:-} --output "$out" "$@" >"$work/stdout" 2>"$work/stderr"
  local got=$?
  if [ "$got" -ne "$status" ] || ! grep -qE -e "$pattern" "$work/stderr" || [ -e "$out" ]; then
    echo "FAIL: $exe $* -> exit $got (wanted $status), stderr:"; sed 's/^/    /' "$work/stderr"
    [ -e "$out" ] && echo "    and it wrote $out"
    failures=$((failures + 1))
  else
    echo "ok: $* -> exit $got: $(head -1 "$work/stderr")"
  fi
}

# snapshot DIR: every path under DIR and the SHA-256 of every file, to tell whether a run changed it.
snapshot() { (cd "$1" && find . | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum); }

# expect_kept STATUS PATTERN DIR [LIMIT] -- ARGS...: like expect, but with --output DIR, a
# directory that already holds something: the run exits with STATUS, stderr matches PATTERN,
# DIR is left exactly as it was (same paths, same bytes) and no temporary directory is left
# beside it. LIMIT, if given, is a file-size limit (ulimit -f, in KiB) under which the run
# writes, so that writing its outputs fails halfway.
expect_kept() {
  local status=$1 pattern=$2 dir=$3 limit=
  if [ "$4" != "--" ]; then limit=$4; shift; fi
  shift 4
  local before
  before=$(snapshot "$dir")
  (if [ -n "$limit" ]; then ulimit -f "$limit"; trap '' XFSZ; fi
   exec "$exe" --quiet ${mode:-} --output "$dir" "$@") >"$work/stdout" 2>"$work/stderr"
  local got=$?
  local leftovers
  leftovers=$(find "$(dirname "$dir")" -maxdepth 1 -name ".$(basename "$dir").*")
  if [ "$got" -ne "$status" ] || ! grep -qE -e "$pattern" "$work/stderr" || [ "$before" != "$(snapshot "$dir")" ] || [ -n "$leftovers" ]; then
    echo "FAIL: $exe --output $dir $* -> exit $got (wanted $status), stderr:"; sed 's/^/    /' "$work/stderr"
    [ "$before" != "$(snapshot "$dir")" ] && echo "    and it changed $dir"
    [ -n "$leftovers" ] && echo "    and it left $leftovers"
    failures=$((failures + 1))
  else
    echo "ok: --output $dir $* -> exit $got: $(head -1 "$work/stderr")"
  fi
}

# earlier_outputs NAME: a directory $work/NAME holding what an earlier run would have left (a
# summary.csv of other bytes); prints the directory.
earlier_outputs() {
  mkdir -p "$work/$1"
  printf 'metric,value\nearlier,run\n' >"$work/$1/summary.csv"
  echo "$work/$1"
}

# output_cases ARGS...: the output directory's failures, the same for every chapter. ARGS are
# what a run of the chapter needs besides --output (--data DIR); every run is a --quick one.
output_cases() {
  expect 2 "output needs a directory, got an empty one" -- "$@" --quick --output ""
  touch "$work/a-file"
  expect 1 "output directory .*/a-file is a file, not a directory" -- "$@" --quick --output "$work/a-file"
  expect 1 "output directory .*/a-file/out cannot be created: .*/a-file is a file, not a directory" -- "$@" --quick --output "$work/a-file/out"
  # A quick run never writes into a package's Figures/.
  mkdir -p "$work/package/Figures"; touch "$work/package/Package.swift"
  expect 2 "quick never writes into .*/package/Figures" -- "$@" --quick --output "$work/package/Figures/chapter"
  # A run replaces the output directory whole: one that holds anything but this chapter's
  # outputs is refused, and a failure while writing leaves the previous one as it was.
  local dir
  dir=$(earlier_outputs summary-is-a-directory); rm "$dir/summary.csv"; mkdir "$dir/summary.csv"
  expect_kept 1 "holds summary.csv as a directory, where this chapter writes a file" "$dir" -- "$@" --quick
  dir=$(earlier_outputs notes); echo "mine" >"$dir/notes.txt"
  expect_kept 1 "holds notes.txt, which this chapter does not write" "$dir" -- "$@" --quick
  dir=$(earlier_outputs size-limit)
  expect_kept 1 "output directory .*/size-limit cannot be written: writing .* failed \(File too large\)" "$dir" 1 -- "$@" --quick
}

# data_with NAME FILE [DATASET...]: a data directory $work/NAME holding a copy of each DATASET
# (a directory of the real data) and FILE (a path inside it) replaced by the bytes on stdin;
# prints the directory.
data_with() {
  local dir="$work/$1" file=$2; shift 2
  mkdir -p "$dir/$(dirname "$file")"
  for dataset in "$@"; do cp -R "$data/$dataset" "$dir/"; done
  cat >"$dir/$file"
  echo "$dir"
}

# Ends the script: fails if any case failed.
finish() {
  if [ "$failures" -ne 0 ]; then echo "$failures bad-input case(s) failed"; exit 1; fi
  echo "Every bad input was refused with a message and nothing written."
}
