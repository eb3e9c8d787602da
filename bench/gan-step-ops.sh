#!/bin/sh
# Where a plain GAN step's CPU time goes, op type by op type, on both sides (a benchmark, not a
# test; bench/README.md). Usage, from the repository root: bench/gan-step-ops.sh [STEPS] [WARMUP]
#   (defaults: 40 steps, the first 10 left out; one thread a side; environment BATCH, GWIDTH,
#   DWIDTH as for gan-fashion.sh)
# The recipe of bench/gan-fashion.sh (bench/gan-recipe.sh) without any of its three stabilisers,
# as "none of the three" in bench/gan-step-profile.sh: `./fiji-gan fine-tune` with ONNX Runtime's
# profiler on (-Dfijigan.ort.profile, docs/contributing.md), then bench/gan_fashion_torch.py
# under PyTorch's profiler (profile=WARMUP), one after the other under nice 10. Steps after WARMUP
# are counted. bench/gan_step_ops_report.py prints the tables (also in report.md there).
# Writes under target/bench-gan-ops/. With the defaults it takes about a CPU minute.
set -e
cd "$(dirname "$0")/.."
steps=${1:-40}
warmup=${2:-10}
threads=1
[ "$steps" -gt "$warmup" ] || { echo "STEPS must be more than WARMUP" >&2; exit 1; }
work=target/bench-gan-ops
. bench/common.sh # PyTorch, and the test class path in $cp
. bench/gan-recipe.sh # the recipe, prepare_inputs, finetune and torch_train
prepare_inputs

fiji_stabilisers=
torch_stabilisers="spectral_norm=0 minibatch_std=0 diff_augment=none discriminator=d-plain"
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "load average before: $(load)" > "$work/load.txt"
echo "fiji-gan: $steps steps under ONNX Runtime's profiler ..." >&2
rm -rf "$work/fiji-profile"
JAVA_OPTS="${JAVA_OPTS:-} -Dfijigan.ort.profile=$work/fiji-profile" \
	finetune "$steps" "$work/fiji.onnx" "$work/fiji-cpu.txt" > "$work/fiji.log" 2>&1
echo "PyTorch: $steps steps, the last $((steps - warmup)) under its profiler ..." >&2
torch_train "$steps" profile="$warmup" > "$work/torch.log"
echo "load average after: $(load)" >> "$work/load.txt"
$py bench/gan_step_ops_report.py "$work" "$warmup" | tee "$work/report.md"
