#!/bin/sh
# --device auto against --device cpu with the GPU build, side by side: the bundled denoiser on
# samples/cells-noisy.png (256x256), a new JVM per run with the launcher's flags, the variants taking
# turns REPS times (in the opposite order every other round). Each run's wall time and CPU time (user
# + system, /usr/bin/time) are kept: on a shared machine the CPU time varies far less. Also the CPU build with --device auto and, in the first BEFORE rounds (default 3),
# the GPU build with the native library cache unusable: ONNX Runtime's own unpacking into the temp
# folder on every start, as before the cache.
# Usage, from anywhere: bench/device-auto.sh [REPS]     (default 30; about 6 minutes on 2 cores)
# The first run of the GPU build downloads onnxruntime_gpu (about 640 MB) into ~/.m2. Writes under
# target/bench-device/ (its own cache and temp folders there) and leaves the table in report.txt.
set -e
cd "$(dirname "$0")/.."
reps=${1:-30}
before=${BEFORE:-3}
work="$(pwd)/target/bench-device"
rm -rf "$work"
mkdir -p "$work/runs"
# shellcheck disable=SC2086 # FIJI_GAN_MVN_OPTS holds several words
mvn -q -B ${FIJI_GAN_MVN_OPTS:-} compile dependency:build-classpath -Dmdep.includeScope=runtime \
	-Dmdep.outputFile="$work/cpu-cp.txt" >&2
# shellcheck disable=SC2086
mvn -q -B ${FIJI_GAN_MVN_OPTS:-} -Pgpu dependency:build-classpath -Dmdep.includeScope=runtime \
	-Dmdep.outputFile="$work/gpu-cp.txt" >&2
grep -q onnxruntime_gpu "$work/gpu-cp.txt" || { echo "no onnxruntime_gpu on the -Pgpu class path" >&2; exit 1; }
: >"$work/not-a-folder"

# run LABEL FLAVOUR CACHE ARGS...: one fiji-gan JVM as ./fiji-gan starts it, with a temp folder of
# its own; appends "LABEL ROUND WALL_MS CPU_S" to times.txt and fails on litter in the temp folder or
# an escape sequence (ONNX Runtime's coloured log) in the output.
n=0
run() {
	label=$1 flavour=$2 cache=$3
	shift 3
	n=$((n + 1))
	tmp="$work/runs/$n.tmp"
	mkdir "$tmp"
	t0=$(date +%s%N)
	/usr/bin/time -f "%U %S" -o "$work/runs/$n.time" \
		java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true -Dfijigan.progress=false \
		-Dfijigan.models.dir=models -Djava.io.tmpdir="$tmp" -Dfijigan.native.dir="$cache" \
		-cp "target/classes:$(cat "$work/$flavour-cp.txt")" org.fijigan.cli.Main "$@" \
		>"$work/runs/$n.$label.out" 2>&1
	t1=$(date +%s%N)
	echo "$label ${r:-0} $(((t1 - t0) / 1000000)) $(awk '{ print $1 + $2 }' "$work/runs/$n.time")" >>"$work/times.txt"
	if [ "$cache" != "$work/not-a-folder" ] && [ -n "$(ls -A "$tmp")" ]; then
		echo "$label left $(ls -A "$tmp") in its temp folder" >&2
		exit 1
	fi
	rm -rf "$tmp"
	if grep -q "$(printf '\033')" "$work/runs/$n.$label.out"; then
		echo "$label printed an escape sequence:" >&2
		cat "$work/runs/$n.$label.out" >&2
		exit 1
	fi
}
denoise() { # LABEL FLAVOUR CACHE DEVICE
	run "$1" "$2" "$3" denoise -m denoise -i samples/cells-noisy.png -o "$work/out-$1.tif" --overwrite \
		--device "$4"
}

echo "first start of each build on an empty cache (unpacking) ..." >&2
denoise first-gpu gpu "$work/cache" auto
denoise first-cpu cpu "$work/cache" auto
r=1
while [ "$r" -le "$reps" ]; do
	echo "round $r/$reps ..." >&2
	if [ $((r % 2)) = 1 ]; then
		denoise gpu-cpu gpu "$work/cache" cpu
		denoise gpu-auto gpu "$work/cache" auto
		denoise cpu-auto cpu "$work/cache" auto
	else
		denoise cpu-auto cpu "$work/cache" auto
		denoise gpu-auto gpu "$work/cache" auto
		denoise gpu-cpu gpu "$work/cache" cpu
	fi
	if [ "$r" -le "$before" ]; then denoise gpu-auto-uncached gpu "$work/not-a-folder" auto; fi
	r=$((r + 1))
done
(cd "$work/cache" && du -sh ./*/) >"$work/cache-size.txt"
{
	echo "cores: $(nproc), $(lscpu | sed -n 's/^Model name: *//p'), java: $(java -version 2>&1 | head -n 1)"
	echo "load average before the report: $(cut -d' ' -f1-3 /proc/loadavg)"
	python3 - "$work" <<'EOF'
import re, statistics, sys
from pathlib import Path
work = Path(sys.argv[1])
wall, cpu, rounds = {}, {}, {}
for line in (work / "times.txt").read_text().split("\n"):
	if line:
		label, r, ms, cpu_s = line.split()
		wall.setdefault(label, []).append(int(ms) / 1000)
		cpu.setdefault(label, []).append(float(cpu_s))
		rounds.setdefault(label, {})[r] = (int(ms) / 1000, float(cpu_s))
def stat(v):
	return f"{statistics.median(v):.2f} s ({min(v):.2f}-{max(v):.2f})"
def note(label):
	for f in sorted(work.glob(f"runs/*.{label}.out")):
		for line in f.read_text().split("\n"):
			if line.startswith("note:"):
				return line
	return "(no note)"
def model_time(label):
	v = []
	for f in work.glob(f"runs/*.{label}.out"):
		m = re.search(r"^model .*, ([0-9.]+) s$", f.read_text(), re.M)
		if m:
			v.append(float(m.group(1)))
	return stat(v) if v else "-"
print("| variant | wall time, median (min-max) | CPU time, user + system | model time printed | runs |")
print("|---|---|---|---|---|")
names = {"first-gpu": "GPU build, --device auto, first start, empty cache",
	"first-cpu": "CPU build, --device auto, first start, empty cache",
	"gpu-cpu": "GPU build, --device cpu", "gpu-auto": "GPU build, --device auto",
	"cpu-auto": "CPU build, --device auto",
	"gpu-auto-uncached": "GPU build, --device auto, cache unusable (ONNX Runtime unpacks into the temp folder)"}
for label in ["first-gpu", "first-cpu", "gpu-cpu", "gpu-auto", "cpu-auto", "gpu-auto-uncached"]:
	if label in wall:
		print(f"| {names[label]} | {stat(wall[label])} | {stat(cpu[label])} | {model_time(label)} | {len(wall[label])} |")
print()
for i, what in [(0, "wall"), (1, "CPU")]:
	a = [v[i] for v in rounds["gpu-auto"].values()]
	c = [v[i] for v in rounds["gpu-cpu"].values()]
	pairs = [rounds["gpu-auto"][r][i] - rounds["gpu-cpu"][r][i] for r in rounds["gpu-auto"]]
	diff = statistics.median(a) - statistics.median(c)
	verdict = f" Goal at most +0.20 s: {'holds' if diff <= 0.2 else 'NOT MET'}." if what == "wall" else ""
	print(f"GPU build, auto - cpu, {what} time: {diff:+.2f} s (medians); per round {statistics.median(pairs):+.2f} s "
		f"(median, {min(pairs):+.2f} to {max(pairs):+.2f}); min - min {min(a) - min(c):+.2f} s.{verdict}")
print()
for label in ["gpu-auto", "gpu-auto-uncached"]:
	if label in wall:
		print(f"{label}: {note(label)}")
print("cache folders: " + ", ".join(" ".join(l.split()) for l in (work / "cache-size.txt").read_text().split("\n") if l))
EOF
} | tee "$work/report.txt"
