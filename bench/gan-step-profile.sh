#!/bin/sh
# What each stabiliser of bench/gan-fashion.sh costs per G+D step, on both sides (a benchmark, not
# a test; bench/README.md). Usage, from the repository root: bench/gan-step-profile.sh [STEPS] [THREADS]
#   (defaults: 60 steps, 1 thread; environment BATCH, GWIDTH, DWIDTH as for gan-fashion.sh)
# The recipe of bench/gan-fashion.sh (bench/gan-recipe.sh), trained by `./fiji-gan fine-tune` and by
# bench/gan_fashion_torch.py, in six configurations: everything as in the benchmark; without
# DiffAugment; without the minibatch standard deviation; without spectral norm; none of the three;
# and everything again, last, to see how far the same figure moves in one run. Each side runs
# 20 steps and then STEPS steps, one process at a time, under nice 10; a step's CPU seconds are
# (CPU of the long run - CPU of the short run) / (STEPS - 20) on both sides, which leaves out
# start-up, graph building and the first steps' warm-up (fiji-gan: the whole process's CPU time;
# PyTorch: its training loop's). Writes under target/bench-gan-profile/ and prints a Markdown table
# (also in report.md there). With the defaults it takes about 7 CPU minutes.
set -e
cd "$(dirname "$0")/.."
steps=${1:-60}
threads=${2:-1}
[ "$steps" -gt 20 ] || { echo "STEPS must be more than 20 (the short run's length)" >&2; exit 1; }
work=target/bench-gan-profile
. bench/common.sh # PyTorch, and the test class path in $cp
. bench/gan-recipe.sh # the recipe, prepare_inputs, finetune and torch_train
prepare_inputs

# name | fiji-gan stabilisers | PyTorch stabilisers
all_fiji=$fiji_stabilisers all_torch=$torch_stabilisers
configs="all three (as in the benchmark)|$all_fiji|$all_torch
without DiffAugment|--spectral-norm --minibatch-std|spectral_norm=1 minibatch_std=1 diff_augment=none
without the minibatch std|--spectral-norm --diff-augment $augment|spectral_norm=1 minibatch_std=0 diff_augment=$augment discriminator=d-plain
without spectral norm|--minibatch-std --diff-augment $augment|spectral_norm=0 minibatch_std=1 diff_augment=$augment
none of the three||spectral_norm=0 minibatch_std=0 diff_augment=none discriminator=d-plain
all three, again|$all_fiji|$all_torch"

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "load average before: $(load)" > "$work/load.txt"
: > "$work/results.txt"
n=0
echo "$configs" | while IFS='|' read -r name fiji_stabilisers torch_stabilisers; do
	n=$((n + 1))
	echo "$n. $name: fiji-gan 20 and $steps steps, PyTorch 20 and $steps steps ..." >&2
	finetune 20 "$work/$n-fiji-short.onnx" "$work/$n-fiji-cpu-short.txt" > "$work/$n-fiji-short.log" 2>&1
	finetune "$steps" "$work/$n-fiji.onnx" "$work/$n-fiji-cpu.txt" > "$work/$n-fiji.log" 2>&1
	torch_train 20 > "$work/$n-torch-short.log"
	cut -d' ' -f1 "$work/torch-cpu.txt" > "$work/$n-torch-cpu-short.txt"
	torch_train "$steps" > "$work/$n-torch.log"
	cut -d' ' -f1 "$work/torch-cpu.txt" > "$work/$n-torch-cpu.txt"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$(cat "$work/$n-fiji-cpu-short.txt")" \
		"$(cat "$work/$n-fiji-cpu.txt")" "$(cat "$work/$n-torch-cpu-short.txt")" \
		"$(cat "$work/$n-torch-cpu.txt")" "$(load)" >> "$work/results.txt"
done
echo "load average after: $(load)" >> "$work/load.txt"

$py -c "
import sys
print('| configuration | fiji-gan CPU s/step | PyTorch CPU s/step | fiji-gan / PyTorch |')
print('|---|---|---|---|')
for line in open('$work/results.txt'):
    name, fs, fl, ts, tl, _ = line.rstrip('\n').split('\t')
    f = (float(fl) - float(fs)) / ($steps - 20)
    t = (float(tl) - float(ts)) / ($steps - 20)
    print(f'| {name} | {f:.3f} | {t:.3f} | {f / t:.2f}x |')
print()
print('$steps steps less 20, $threads thread(s) a side (PyTorch\'s OpenBLAS: ${OPENBLAS_NUM_THREADS:-$threads}), batch $batch; ' + ', '.join(
    l.strip() for l in open('$work/load.txt')))" | tee "$work/report.md"
