#!/bin/sh
# Folder mode, measured: COUNT 64x64 16-bit TIFFs (ten sub-folders) through a small conv denoiser
# (3 layers, 16 features), headless on the CPU, with peak memory (maximum RSS, /usr/bin/time -v).
# Usage: bench/batch-folder.sh [COUNT] [THREADS]     (defaults: 1000 images, 2 threads)
# Three runs: the folder; the same again (resumed: everything is skipped); and again with
# --overwrite under a 64 MiB Java heap. Writes under target/bench-batch/COUNT/.
set -e
cd "$(dirname "$0")/.."
count=${1:-1000}
threads=${2:-2}
work=target/bench-batch/$count
mvn -q -B ${FIJI_GAN_MVN_OPTS:-} test-compile >/dev/null
./fiji-gan --version >/dev/null # builds target/lib when needed
rm -rf "$work"
java -Djava.awt.headless=true -cp "target/test-classes:target/classes:target/lib/*" \
	bench/MakeBatchData.java "$work" "$count"

# The launcher's own java command (see ./fiji-gan), without its rebuild check, so that a source
# edited meanwhile cannot put a Maven build into the measurement.
run() { # $1: label, then the fiji-gan arguments
	label=$1
	shift
	# shellcheck disable=SC2086 # JAVA_OPTS holds several words
	/usr/bin/time -v java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
		-Dfijigan.progress=false $JAVA_OPTS -cp "target/classes:target/lib/*" org.fijigan.cli.Main \
		"$@" >"$work/$label.out" 2>"$work/$label.time"
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$label.time")
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$label.time")
	echo "$label: $(head -n 1 "$work/$label.out"); process wall $wall, max RSS $((rss / 1024)) MiB"
}
args="--model $work/conv.onnx --input $work/in --output $work/out --normalize range --device cpu --threads $threads"
# shellcheck disable=SC2086 # args holds several words
run first denoise $args
# shellcheck disable=SC2086
run resumed denoise $args
# the same work again with the Java heap capped at 64 MiB: it fits, since one image is held at a time
# shellcheck disable=SC2086
JAVA_OPTS="${JAVA_OPTS:-} -Xmx64m" run capped denoise $args --overwrite
echo "cores: $(nproc), java: $(java -version 2>&1 | head -n 1)"
