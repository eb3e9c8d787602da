#!/bin/sh
# A learned detector of faint point sources: how many of them a detector that looks only at the
# noisy image can find when it is trained for it, beside bench/faint-reach.sh's ideal observer and
# simple detectors. It says whether the noisy data hold enough to reach the "faint found" recall
# that evaluate asks of a denoiser, whatever the detector, so a shortfall of the bundled denoiser's
# is told apart from a shortfall of the data.
#
#   bench/faint-learned.sh [STEPS] [THREADS]   (defaults: 5000 2; 46 minutes on 2 shared cores)
#
# 1. prepare-data fluorescence --seed 0 renders 120 training scenes and the 12 held-out test scenes
#    the bundled denoiser's card is measured on (256x256; the training scenes are not the test's);
# 2. bench/faint_detector_pairs.py makes training pairs of the training scenes: two noisy copies at
#    each of evaluate's noises (Gaussian sigma 15, 25, 50/255 and Poisson-Gaussian at 30 photons,
#    read noise 0.01), with a map of the scenes' sources as target (a Gaussian bump of sigma 1 px at
#    every source); needs Debian's python3-numpy and python3-tifffile (installed when missing);
# 3. create-model --arch residual-denoiser (10 layers of width 32, 74,593 parameters, the bundled
#    denoiser's size) and fine-tune on the pairs: L2 loss, STEPS Adam steps at lr 1e-3 with cosine
#    decay, batch 8, 64x64 patches, flips and rotations, seed 0;
# 4. org.fijigan.core.eval.BlindDetectors on the test scenes, 3 seeded noise draws each, with the
#    trained detector's output as one more response map: its maxima are taken and matched to the
#    sources exactly as evaluate's difference of Gaussians' are, at evaluate's false-positive rate.
#    Also measured: the bundled denoiser followed by evaluate's detector, and the bundled denoiser's
#    result with the noisy input put back where the learned detector sees a source
#    (result + min(1, k * map) * (noisy - result), k = 1, 2, 4).
# Writes under target/bench-faint-learned/; the table goes to stdout and report.txt there.
set -e
cd "$(dirname "$0")/.."
steps=${1:-5000}
threads=${2:-2}
root=target/bench-faint-learned
for p in python3-numpy python3-tifffile; do
	dpkg -s "$p" >/dev/null 2>&1 || apt-get install -y "$p" >/dev/null
done
mvn -q -B -o ${FIJI_GAN_MVN_OPTS:-} test-compile dependency:build-classpath \
	-Dmdep.outputFile=target/bench-cp.txt >&2
./fiji-gan --version >/dev/null # builds target/lib when needed
cp="target/test-classes:target/classes:$(cat target/bench-cp.txt)"
fg() {
	java -XX:+UseSerialGC -Djava.awt.headless=true -Dfijigan.progress=false \
		-Dfijigan.models.dir="$PWD/models" -cp "target/classes:target/lib/*" org.fijigan.cli.Main "$@"
}
rm -rf "$root"
mkdir -p "$root"
fg prepare-data fluorescence --output "$root/scenes" --seed 0 --train 120 --tune 0 --test 12 \
	--size 256 >/dev/null
/usr/bin/python3 bench/faint_detector_pairs.py "$root/scenes/train" "$root/pairs"
fg create-model --arch residual-denoiser --blocks 10 --width 32 --seed 3 \
	--output "$root/detector-initial.onnx" >/dev/null
fg fine-tune --model "$root/detector-initial.onnx" --input-dir "$root/pairs/input" \
	--target-dir "$root/pairs/target" --normalize none --loss l2 --patch 64 --batch 8 \
	--steps "$steps" --lr 1e-3 --lr-schedule cosine --validation 0 --seed 0 --threads "$threads" \
	--output "$root/detector.onnx" >&2
java -Djava.awt.headless=true -Dfijigan.detector="$root/detector.onnx" \
	-Dfijigan.denoiser=models/denoise/denoise.onnx -cp "$cp" org.fijigan.core.eval.BlindDetectors \
	"$root/scenes/test" 3 15 25 50 pg | tee "$root/report.txt"
