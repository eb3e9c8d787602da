#!/bin/sh
# How many faint point sources any method could find at all under noise: an upper bound, and a
# measured reference, for the "faint found" recall that evaluate reports for a denoiser on the
# fluorescence scenes (bench/README.md). Usage, from anywhere: bench/faint-reach.sh [SIGMA/255 ...]
# (default 15 25 50, evaluate's Gaussian noises). Renders the held-out test scenes of the bundled
# denoiser's data (prepare-data fluorescence --seed 0, 12 test scenes of 256x256, the set its card
# is measured on) into target/bench-faint-reach/ and prints, per noise:
# - the share of their faint sources (peak 0.02-0.15 of the range) an ideal observer detects: one
#   that knows each source's position and shape and everything beneath it
#   (org.fijigan.bench.FaintReach says how); seconds;
# - the share that evaluate's detector, and the best of a family of simple detectors, find in the
#   noisy image itself, over 3 seeded noise draws per scene, at those noises and evaluate's
#   Poisson-Gaussian one (org.fijigan.core.eval.BlindDetectors); about 10 minutes on 2 cores.
# No Python.
set -e
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- 15 25 50
work=target/bench-faint-reach
mvn -q -B -o ${FIJI_GAN_MVN_OPTS:-} test-compile dependency:build-classpath \
	-Dmdep.outputFile=target/bench-cp.txt >&2
cp="target/test-classes:target/classes:$(cat target/bench-cp.txt)"
rm -rf "$work"
java -Djava.awt.headless=true -cp "$cp" org.fijigan.cli.Main prepare-data fluorescence \
	--output "$work" --seed 0 --train 0 --tune 0 --test 12 --size 256 >/dev/null
{
	java -Djava.awt.headless=true -cp "$cp" org.fijigan.bench.FaintReach "$work/test" "$@"
	echo
	java -Djava.awt.headless=true -cp "$cp" org.fijigan.core.eval.BlindDetectors "$work/test" 3 \
		"$@" pg
} | tee "$work/report.txt"
