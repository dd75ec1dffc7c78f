#!/usr/bin/env bash
# Time from process start to the first frame drawn, in a real terminal (tmux),
# with the hidden --exit-after-first-frame flag. Budget: 50 ms.
#   cargo build --release && benches/first-frame.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
bin=$PWD/target/release/statedist
out=$(mktemp) data=$(mktemp -d)
trap 'rm -rf "$out" "$data"; tmux kill-session -t firstframe 2>/dev/null || true' EXIT
measure() { # label, args...
  local label=$1; shift
  local script="for i in \$(seq $runs); do s=\$(date +%s%N); $bin --data-dir $data $* --exit-after-first-frame; e=\$(date +%s%N); echo \$(( (e-s)/1000 )) >> $out; done; tmux wait-for -S firstframe-done"
  : >"$out"
  tmux new-session -d -s firstframe -x 200 -y 60 "bash -c '$script'"
  tmux wait-for firstframe-done
  tmux kill-session -t firstframe 2>/dev/null || true
  sort -n "$out" | awk -v l="$label" '{a[NR]=$1} END {printf "%-28s n=%d  min %.1f ms  median %.1f ms  max %.1f ms\n", l, NR, a[1]/1000, a[int(NR/2)+1]/1000, a[NR]/1000}'
}
measure "learn (course map)" learn
measure "learn --block 1 (lesson)" learn --block 1
measure "playground cap-ap, 5 nodes" playground --scenario cap-ap --nodes 5
