# Sourced by bench/gan-fashion.sh and bench/gan-step-profile.sh, from the repository root, after
# bench/common.sh ($py, $cp) and with $work and $threads set: the GAN recipe both sides train, the
# preparation of its inputs under $work, and the functions that train each side under nice 10
# and measure its CPU time. The stabilisers are in $fiji_stabilisers and $torch_stabilisers (the
# same terms as fine-tune options and as gan_fashion_torch.py options); a caller may change them.
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
fiji_stabilisers="--spectral-norm --minibatch-std --diff-augment $augment"
torch_stabilisers="spectral_norm=1 minibatch_std=1 diff_augment=$augment"

# The training images (once), and the initial weights: the generator from create-model, the
# discriminator from fine-tune's own constructor, in $work/d (with the minibatch standard
# deviation) and $work/d-plain (without: its last convolution has one input channel less);
# PyTorch loads the first and checks that it computes what fiji-gan computes.
prepare_inputs() {
	mkdir -p "$work"
	[ -f "$work/train.npz" ] || $py bench/gan_fashion_data.py prepare "$work" 300 100
	./fiji-gan create-model --arch dcgan --channels 1 --width $gwidth --size 32 --latent $latent \
		--classes $classes --seed $seed --output "$work/g.onnx" --overwrite >&2
	java -cp "$cp" org.fijigan.bench.GanFashionBench export-d "$work/d" 32 1 $dwidth 10 $seed true >&2
	java -cp "$cp" org.fijigan.bench.GanFashionBench export-d "$work/d-plain" 32 1 $dwidth 10 $seed \
		false >&2
	$py -c "import numpy as np; r = np.random.default_rng(5)
np.save('$work/check-z.npy', r.standard_normal((10, $latent)).astype('<f4'))
np.save('$work/check-labels.npy', np.arange(10, dtype='<i8'))
np.save('$work/eval-z.npy', np.random.default_rng(7).standard_normal((1000, $latent)).astype('<f4'))
np.save('$work/eval-labels.npy', np.repeat(np.arange(10, dtype='<i8'), 100))"
	java -cp "$cp" org.fijigan.bench.GanFashionBench sample "$work/g.onnx" "$work/check-z.npy" \
		"$work/check-labels.npy" "$work/check-fiji.npy" >&2
	$py bench/gan_fashion_torch.py check "$work"
}

# CPU seconds of a command and its children, into FILE
cpu() { # FILE COMMAND...
	$py -c 'import resource, subprocess, sys
subprocess.run(sys.argv[2:], check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write("%.3f\n" % (r.ru_utime + r.ru_stime))' "$@"
}

# fiji-gan: STEPS steps of fine-tune, the EMA generator to OUT.onnx, its CPU seconds to CPU-FILE
finetune() { # STEPS OUT.onnx CPU-FILE
	# shellcheck disable=SC2086 # $fiji_stabilisers holds several words
	cpu "$3" nice -n 10 ./fiji-gan fine-tune --model "$work/g.onnx" --data "$work/data" \
		--task generate --steps "$1" --batch $batch --patch 0 --augment none --normalize range \
		--validation 0 --optimizer adam --lr $lr --d-lr $dlr --adam-betas $betas --adversarial hinge \
		--adversarial-weight 1 --discriminator sngan --discriminator-width $dwidth \
		$fiji_stabilisers --ema $ema --seed $seed --device cpu --threads "$threads" --output "$2" \
		--overwrite
}

# PyTorch: STEPS steps; the CPU seconds of its training loop and STEPS to $work/torch-cpu.txt, the
# EMA generator to $work/torch-g.npz. Debian's PyTorch does its matrix products in the system BLAS
# (OpenBLAS), whose threads torch.set_num_threads does not limit: OpenBLAS starts one per core,
# and its idle threads spin, which adds CPU time that varies with the machine's load. So OpenBLAS
# gets $threads threads too, unless OPENBLAS_NUM_THREADS is set.
torch_train() { # STEPS [key=value...]
	steps_=$1
	shift
	# shellcheck disable=SC2086 # $torch_stabilisers holds several words
	OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-$threads} \
		nice -n 10 $py bench/gan_fashion_torch.py train "$work" "$steps_" "$threads" $seed batch=$batch \
		latent=$latent lr=$lr d_lr=$dlr adam_betas=$betas ema=$ema $torch_stabilisers "$@"
}
