#!/bin/sh
# GAN training against PyTorch, measured in one run (a benchmark, not a test; bench/README.md).
# Usage, from the repository root: bench/gan-fashion.sh [STEPS] [THREADS]
#   (defaults: 3000 generator + discriminator steps, 2 threads on each side; environment: BATCH
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
# /usr/bin/python3, and installs them with apt-get when missing. It may take an hour or more.
set -e
cd "$(dirname "$0")/.."
steps=${1:-3000}
threads=${2:-2}
work=target/bench-gan-fashion
. bench/common.sh # PyTorch, and the test class path in $cp
if [ ! -d /usr/share/datasets/fashion-mnist ] || ! $py -c 'import PIL' 2>/dev/null; then
	echo "installing dataset-fashion-mnist and python3-pil (Debian) ..." >&2
	apt-get install -y dataset-fashion-mnist python3-pil >&2 ||
		{ apt-get update >&2 && apt-get install -y dataset-fashion-mnist python3-pil >&2; }
fi

# the recipe, the same on both sides
seed=1 batch=${BATCH:-64} latent=64 lr=1e-4 dlr=4e-4 betas=0.5,0.999 ema=0.999
gwidth=${GWIDTH:-16} dwidth=${DWIDTH:-16}
augment=translation,cutout,color
classes=tshirt,trouser,pullover,dress,coat,sandal,shirt,sneaker,bag,boot

mkdir -p "$work"
[ -f "$work/train.npz" ] || $py bench/gan_fashion_data.py prepare "$work" 300 100
[ -f "$work/classifier.pt" ] || nice -n 10 $py bench/gan_fashion_data.py classifier "$work" "$threads"

# the initial weights: the generator from create-model, the discriminator from fine-tune's own
# constructor; PyTorch loads both and checks that it computes what fiji-gan computes
./fiji-gan create-model --arch dcgan --channels 1 --width $gwidth --size 32 --latent $latent \
	--classes $classes --seed $seed --output "$work/g.onnx" --overwrite >&2
java -cp "$cp" org.fijigan.bench.GanFashionBench export-d "$work/d" 32 1 $dwidth 10 $seed true >&2
$py -c "import numpy as np; r = np.random.default_rng(5)
np.save('$work/check-z.npy', r.standard_normal((10, $latent)).astype('<f4'))
np.save('$work/check-labels.npy', np.arange(10, dtype='<i8'))
np.save('$work/eval-z.npy', np.random.default_rng(7).standard_normal((1000, $latent)).astype('<f4'))
np.save('$work/eval-labels.npy', np.repeat(np.arange(10, dtype='<i8'), 100))"
java -cp "$cp" org.fijigan.bench.GanFashionBench sample "$work/g.onnx" "$work/check-z.npy" \
	"$work/check-labels.npy" "$work/check-fiji.npy" >&2
$py bench/gan_fashion_torch.py check "$work"

# CPU seconds of a command and its children, into FILE
cpu() { # FILE COMMAND...
	$py -c 'import resource, subprocess, sys
subprocess.run(sys.argv[2:], check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write("%.3f\n" % (r.ru_utime + r.ru_stime))' "$@"
}
finetune() { # STEPS OUT.onnx CPU-FILE
	cpu "$3" nice -n 10 ./fiji-gan fine-tune --model "$work/g.onnx" --data "$work/data" \
		--task generate --steps "$1" --batch $batch --patch 0 --augment none --normalize range \
		--validation 0 --optimizer adam --lr $lr --d-lr $dlr --adam-betas $betas --adversarial hinge \
		--adversarial-weight 1 --discriminator sngan --discriminator-width $dwidth --spectral-norm \
		--minibatch-std --diff-augment $augment --ema $ema --seed $seed --device cpu \
		--threads "$threads" --output "$2" --overwrite
}

# fiji-gan: a 20-step run measures the fixed cost (start-up, reading the images, building the step
# graphs), which the per-step figure leaves out, as PyTorch's leaves out its own
fiji() {
	finetune 20 "$work/fiji-g-short.onnx" "$work/fiji-cpu-short.txt" > "$work/fiji-short.log" 2>&1
	finetune "$steps" "$work/fiji-g.onnx" "$work/fiji-cpu.txt" > "$work/fiji.log" 2>&1
}
torch() {
	nice -n 10 $py bench/gan_fashion_torch.py train "$work" "$steps" "$threads" $seed batch=$batch \
		latent=$latent lr=$lr d_lr=$dlr adam_betas=$betas ema=$ema diff_augment=$augment \
		minibatch_std=1 > "$work/torch.log"
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
