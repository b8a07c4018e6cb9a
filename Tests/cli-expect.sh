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
  if [ "$got" -ne "$status" ] || ! grep -qE "$pattern" "$work/stderr" || [ -e "$out" ]; then
    echo "FAIL: $exe $* -> exit $got (wanted $status), stderr:"; sed 's/^/    /' "$work/stderr"
    [ -e "$out" ] && echo "    and it wrote $out"
    failures=$((failures + 1))
  else
    echo "ok: $* -> exit $got: $(head -1 "$work/stderr")"
  fi
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
