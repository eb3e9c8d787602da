#!/bin/sh
# GAN training against PyTorch, measured in one run (a benchmark, not a test; bench/README.md).
# Usage, from the repository root: bench/gan-fashion.sh [STEPS] [THREADS]
#   (defaults: 8000 generator + discriminator steps, 2 threads on each side; environment: BATCH
#   (64), GWIDTH and DWIDTH (16, the networks' widths), PARALLEL=1 to run the two sides at the
#   same time, each with THREADS threads, instead of one after the other)
# Class-conditional 32x32 Fashion-MNIST (Debian's dataset-fashion-mnist, 300 training images per
# class): fiji-gan's `create-model --arch dcgan` generator and its SNGAN discriminator with spectral
# norm and the minibatch standard deviation, hinge loss, DiffAugment (translation, cutout, color),
# TTUR, Adam and an EMA with warm-up, trained (a) by `./fiji-gan fine-tune` and (b) by the same
# GAN written in PyTorch (bench/gan_fashion_torch.py), from the same initial weights (exported
# once by fiji-gan, loaded by PyTorch and checked equal), for the same number of steps with the
# same hyper-parameters and seed. The sides run one after the other with the same thread count,
# under nice 10; CPU time is measured, not wall time. Then both draw 100 samples per class for
# the same latents and labels, judged by a small classifier trained on the real training set
# (bench/gan_fashion_report.py). Writes under target/bench-gan-fashion/ and prints the table.
# It needs Debian's python3-torch, python3-onnx, python3-pil and dataset-fashion-mnist for
# /usr/bin/python3, and installs them with apt-get when missing. 8,000 steps took an hour with the
# two sides at the same time (PARALLEL=1), one thread each (47 minutes for PyTorch, 60 for fiji-gan).
set -e
cd "$(dirname "$0")/.."
steps=${1:-8000}
threads=${2:-2}
work=target/bench-gan-fashion
. bench/common.sh # PyTorch, and the test class path in $cp
. bench/gan-recipe.sh # the recipe, prepare_inputs, finetune and torch_train

prepare_inputs
[ -f "$work/classifier.pt" ] || nice -n 10 $py bench/gan_fashion_data.py classifier "$work" "$threads"

# fiji-gan: a 20-step run measures the fixed cost (start-up, reading the images, building the step
# graphs), which the per-step figure leaves out, as PyTorch's leaves out its own
fiji() {
	finetune 20 "$work/fiji-g-short.onnx" "$work/fiji-cpu-short.txt" > "$work/fiji-short.log" 2>&1
	finetune "$steps" "$work/fiji-g.onnx" "$work/fiji-cpu.txt" > "$work/fiji.log" 2>&1
}
torch() {
	torch_train "$steps" > "$work/torch.log"
}
if [ "${PARALLEL:-0}" = 1 ]; then
	echo "fiji-gan (20 steps, then $steps) and PyTorch ($steps steps), at the same time ..." >&2
	fiji &
	torch
	wait $!
else
	echo "fiji-gan: 20 steps, then $steps ..." >&2
	fiji
	echo "PyTorch: $steps steps ..." >&2
	torch
fi
grep -E '^(wrote|note)' "$work/fiji.log" >&2 || true
$py -c "
short, long = (float(open('$work/' + f).read()) for f in ('fiji-cpu-short.txt', 'fiji-cpu.txt'))
torch_cpu, torch_steps = open('$work/torch-cpu.txt').read().split()
print('fiji-gan', (long - short) / ($steps - 20))
print('PyTorch', float(torch_cpu) / int(torch_steps))" > "$work/cpu.txt"

# 100 samples per class from each side's EMA generator, for the same latents and labels
java -cp "$cp" org.fijigan.bench.GanFashionBench sample "$work/fiji-g.onnx" "$work/eval-z.npy" \
	"$work/eval-labels.npy" "$work/fiji-samples.npy" >&2
$py bench/gan_fashion_torch.py sample "$work" "$work/eval-z.npy" "$work/eval-labels.npy" \
	"$work/torch-samples.npy"
$py bench/gan_fashion_report.py report "$work"
echo "sample grids (real, fiji-gan, PyTorch): $work/samples.png" >&2
