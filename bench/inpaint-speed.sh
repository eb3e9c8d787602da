#!/bin/sh
# The inpainting model's speed (bench/README.md): ONNX Runtime session creation, one model run and
# the whole inpaint pipeline on a seeded SIZE x SIZE grey image with free-form holes (10-30%).
# Usage, from anywhere: bench/inpaint-speed.sh [SIZE] [REPS] [THREADS] [MODEL.onnx...]
# (defaults 512, 10, 2 and the bundled models/inpaint/inpaint.onnx). A minute or two. Needs no
# Python. Prints a Markdown table and leaves it in target/bench-inpaint/report.txt.
set -e
cd "$(dirname "$0")/.."
size=${1:-512}
reps=${2:-10}
threads=${3:-2}
[ $# -gt 3 ] && shift 3 || set -- models/inpaint/inpaint.onnx
mkdir -p target/bench-inpaint
mvn -q -B -o ${FIJI_GAN_MVN_OPTS:-} test-compile dependency:build-classpath \
	-Dmdep.outputFile=target/bench-cp.txt >&2
cp="target/test-classes:target/classes:$(cat target/bench-cp.txt)"
{
	lscpu | sed -n 's/^Model name: */CPU: /p'
	java -XX:+UseSerialGC -cp "$cp" org.fijigan.bench.InpaintBench "$size" "$reps" "$threads" "$@"
} | tee target/bench-inpaint/report.txt
