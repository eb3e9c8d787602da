#!/bin/sh
# Fine-tune step against PyTorch CPU, measured in one run (figure 3 of bench/README.md).
# Usage, from the repository root: bench/train-step.sh [REPS] [ROUNDS] [THREADS]
#   (defaults: 10 repetitions after 3 warm-ups, 3 rounds, 2 threads; PROFILE=0 skips the profile)
# PyTorch (Debian's python3-torch, /usr/bin/python3) builds an RRDB x4 generator (32 features,
# 2 RRDB blocks) and exports it to ONNX (opset 17, no constant folding); both sides then time one
# Adam step on the same batch (4 x 3x32x32 -> 3x128x128, L1 loss) and the forward pass alone, with
# the same thread count. The sides alternate, ROUNDS times, so that load from elsewhere hits both.
# Then the step graph runs under ONNX Runtime's profiler, and one table is printed.
# Writes under target/bench-train-step/.
set -e
cd "$(dirname "$0")/.."
reps=${1:-10}
rounds=${2:-3}
threads=${3:-2}
warmup=3
work=target/bench-train-step
. bench/common.sh # PyTorch, and the test class path in $cp

rm -rf "$work"
mkdir -p "$work"
$py bench/train_step_torch.py setup "$work"
r=1
while [ "$r" -le "$rounds" ]; do
	echo "round $r/$rounds: PyTorch ..." >&2
	$py bench/train_step_torch.py time "$work" "$r" "$reps" "$warmup" "$threads"
	echo "round $r/$rounds: fiji-gan ..." >&2
	prof=
	[ "$r" -eq "$rounds" ] && [ "${PROFILE:-1}" != 0 ] && prof=profile
	java -Xmx4g -cp "$cp" org.fijigan.bench.TrainStepBench "$work" "$r" "$reps" "$warmup" \
		"$threads" $prof
	r=$((r + 1))
done
$py bench/train_step_report.py "$work" | tee "$work/report.txt"
