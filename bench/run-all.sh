#!/bin/sh
# The inference benchmarks of bench/README.md: prints figures 1, 2, 4, 5 and 6 as median and min-max, each comparison
# measured in one run (the variants take turns); figure 3 is bench/train-step.sh, run here too (FIG3=0 skips it).
# Usage, from anywhere: bench/run-all.sh [ROUNDS] [THREADS]     (defaults 3 and 2; about 10 minutes)
# Needs Debian's python3-torch and python3-onnx for /usr/bin/python3 (installed with apt-get when
# missing) and uses hyperfine for figure 5 when it is installed (else a shell loop).
# Writes under target/bench-pipeline/ and leaves the tables in report.txt there.
set -e
cd "$(dirname "$0")/.."
rounds=${1:-3}
threads=${2:-2}
work=target/bench-pipeline
. bench/common.sh # PyTorch, and the test class path in $cp
./fiji-gan --help >/dev/null 2>&1 || true # builds target/lib when needed, outside figure 5
# bench XMX MODE ARGS...: one PipelineBench JVM
bench() { xmx=$1; shift; java -XX:+UseSerialGC "$xmx" -cp "$cp" org.fijigan.bench.PipelineBench "$@"; }

rm -rf "$work"
mkdir -p "$work"
$py bench/pipeline_torch.py setup "$work"
lscpu | sed -n 's/^Model name: *//p' >"$work/cpu.txt"

echo "figure 1: pipeline overhead (SR x4, 1024x1024 16-bit) ..." >&2
bench -Xmx6g overhead "$work" 1 "$rounds" "$threads"

r=1
while [ "$r" -le "$rounds" ]; do
	echo "figure 2, round $r/$rounds: PyTorch, then fiji-gan ..." >&2
	$py bench/pipeline_torch.py time "$work" "$r" 3 1 "$threads"
	bench -Xmx4g torch "$work" "$r" 3 1 "$threads"
	r=$((r + 1))
done

for mp in 1 4 16 64; do
	echo "figure 4: ${mp} MP with -Xmx2g ..." >&2
	reps=3
	[ "$mp" -eq 64 ] && reps=2
	bench -Xmx2g scaling "$work" "$mp" "$reps" "$threads"
done

echo "figure 4: the same 64 MP as a 16-bit TIFF through ./fiji-gan with JAVA_OPTS=-Xmx2g ..." >&2
bench -Xmx1g write-tif "$work" in64.tif 64
if JAVA_OPTS=-Xmx2g /usr/bin/time -v ./fiji-gan denoise --model "$work/denoise.onnx" \
	--input "$work/in64.tif" --output "$work/out64.tif" --overwrite 2>"$work/cli64.txt"; then
	echo "cli64_rc=0" >>"$work/cli64.txt"
else
	echo "cli64_rc=$?" >>"$work/cli64.txt"
fi
rm -f "$work/in64.tif" "$work/out64.tif"

echo "figure 5: start-up ..." >&2
start="./fiji-gan denoise --model $work/denoise.onnx --input samples/cells-noisy.png --output $work/startup.tif --overwrite"
floor="java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -version"
if command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 2 --runs 10 --export-json "$work/startup.json" "$floor" "$start" >&2
else
	for c in floor start; do
		eval "cmd=\$$c"
		i=0
		: >"$work/startup-$c.txt"
		while [ $i -lt 10 ]; do
			t0=$(date +%s%N)
			$cmd >/dev/null 2>&1
			echo $(( $(date +%s%N) - t0 )) >>"$work/startup-$c.txt"
			i=$((i + 1))
		done
	done
fi

echo "figure 6: threads and batching (denoiser, 2048x2048) ..." >&2
bench -Xmx4g threads "$work" 1 $((rounds + 2))

if [ "${FIG3:-1}" = 1 ]; then
	echo "figure 3: fine-tune step against PyTorch (bench/train-step.sh) ..." >&2
	PROFILE=0 bench/train-step.sh 10 "$rounds" "$threads" >/dev/null
fi
$py bench/pipeline_report.py "$work" "$threads" | tee "$work/report.txt"
if [ "${FIG3:-1}" = 1 ] && [ -f target/bench-train-step/report.txt ]; then
	echo
	echo "Figure 3: fine-tune step against PyTorch (bench/train-step.sh):"
	cat target/bench-train-step/report.txt
fi | tee -a "$work/report.txt"
