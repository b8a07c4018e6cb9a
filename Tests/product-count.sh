#!/usr/bin/env bash
# --count-products counts 2·M·N·K operations for every product [M, K]·[K, N], in Double and in
# Float. The benches' products follow from their shapes alone, so their counts are known exactly.
# Usage: Tests/product-count.sh <directory of release executables> <data directory>
set -u
bin=$1 data=$2 failures=0

# check <chapter> <expected last line of --bench --count-products>
check() {
  local got
  got=$("$bin/$1" --data "$data" --bench --count-products 2>/dev/null | tail -n 1)
  if [ "$got" != "$2" ]; then
    echo "FAIL: $1 --bench --count-products printed '$got', expected '$2'"
    failures=$((failures + 1))
  fi
}

# Five runs of 20 steps of the lab's recipe: 320 rows (16 × 20 words), E = H = 64, V = 6,949.
# The RNN: x W_ih and h W_hh forward; dW_ih, dx, dW_hh and dh backward: 6 · 320 · 64 · 64
# = 7,864,320 multiply-adds. The output layer: logits, dW and dh: 3 · 320 · 6,949 · 64
# = 426,946,560. Times 2 operations and 100 steps: 1,572,864,000 + 85,389,312,000, all in Float
# (the chapter trains in Float; none in Double).
check word-model "word-model,0,86962176000"

# Five runs of 300 steps of each network: T = 20, B = 32, H = 32, 10 symbols (looked up, no
# product) and 10 classes. Each direction: h W_hh forward, dpre W_hh and dpreᵀ h backward,
# 3 · 20 · 32 · 32 · 32 = 1,966,080; the head forward, dW and dx: 3 · 640 · (2 · 32) · 10 =
# 1,228,800 bidirectional, 614,400 unidirectional. 2 · 1,500 · (5,160,960 + 2,580,480), in Float
# (the chapter trains in Float; none in Double).
check bidirectional "bidirectional,0,23224320000"

if [ $failures -gt 0 ]; then exit 1; fi
echo "Product counts match the benches' shapes."
