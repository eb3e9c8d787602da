#!/bin/sh
# The cold path of one command on one image, against a bare ONNX Runtime Java program: see
# bench/README.md. Run from the repository root:
#   bench/cold-path.sh [ROUNDS] [THREADS] [RRDB.onnx]     # defaults 5, 2; REPS=5 for the GFLOP/s part
# The RRDB-style model is RRDB.onnx, else FIJI_GAN_RRDB (a file), else an RRDB x4 export made with
# PyTorch (python3 with torch: bench/rrdb_export.py), else one made by './fiji-gan create-model
# --arch rrdb-sr'. The bundled sr-x4 model is the other one. Writes under target/bench-cold-path/
# and leaves the tables in report.md there.
set -e
rounds=${1:-5}
threads=${2:-2}
rrdb=${3:-${FIJI_GAN_RRDB:-}}
reps=${REPS:-5}
work=target/bench-cold-path
rm -rf "$work"
mkdir -p "$work/sr-x4" "$work/rrdb"

./fiji-gan --version >/dev/null # builds target/classes and target/lib when needed
mvn -q -B -o ${FIJI_GAN_MVN_OPTS:-} test-compile dependency:build-classpath \
	-Dmdep.outputFile=target/bench-cp.txt >&2
cp="target/test-classes:target/classes:$(cat target/bench-cp.txt)"
ort=$(tr ':' '\n' <target/bench-cp.txt | grep '/onnxruntime' | head -n 1)
jvm="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true"

if [ -z "$rrdb" ]; then
	rrdb=$work/rrdb.onnx
	if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
		/usr/bin/python3 bench/rrdb_export.py "$rrdb"
		echo "rrdb: RRDB x4 (32 features, 2 blocks) exported from PyTorch by bench/rrdb_export.py" >"$work/models.txt"
	else
		./fiji-gan create-model --arch rrdb-sr --channels 3 --scale 4 --seed 0 -o "$rrdb" >/dev/null
		echo "rrdb: fiji-gan create-model --arch rrdb-sr --channels 3 --scale 4" >"$work/models.txt"
	fi
else
	echo "rrdb: $rrdb" >"$work/models.txt"
fi
echo "sr-x4: the bundled sr-x4 model" >>"$work/models.txt"

java -cp "$cp" org.fijigan.bench.ColdPathBench input "$work/rrdb/in.npy" 3 256 256 1
java -cp "$cp" org.fijigan.bench.ColdPathBench input "$work/sr-x4/in.npy" 1 256 256 2

now() { date +%s%N; }

# one round: the command line, then the bare process (the other order in even rounds)
cli() { # NAME MODEL ROUND
	s=$(now)
	./fiji-gan run --model "$2" --input "$work/$1/in.npy" -o "$work/$1/cli.npy" --overwrite \
		--normalize none --tile none --threads "$threads" --timings >"$work/$1/cli-$3.txt"
	e=$(now)
	echo "wall=$(echo "$s $e" | awk '{printf "%.4f", ($2 - $1) / 1e9}')" >>"$work/$1/cli-$3.txt"
}
bare() { # NAME MODEL ROUND
	s=$(now)
	# shellcheck disable=SC2086 # jvm holds several words
	java $jvm -cp "target/test-classes:$ort" org.fijigan.bench.ColdPathBench bare "$2" \
		"$work/$1/in.npy" "$work/$1/bare.npy" "$threads" >"$work/$1/bare-$3.txt"
	e=$(now)
	echo "wall=$(echo "$s $e" | awk '{printf "%.4f", ($2 - $1) / 1e9}')" >>"$work/$1/bare-$3.txt"
}

i=1
while [ "$i" -le "$rounds" ]; do
	for m in sr-x4 rrdb; do
		file=$rrdb
		[ "$m" = sr-x4 ] && file=models/sr-x4/sr-x4.onnx
		if [ $((i % 2)) -eq 1 ]; then cli "$m" "$file" "$i"; bare "$m" "$file" "$i"
		else bare "$m" "$file" "$i"; cli "$m" "$file" "$i"; fi
	done
	echo "round $i of $rounds done" >&2
	i=$((i + 1))
done
# the results must be the same numbers (the command line drops the batch axis of length 1)
for m in sr-x4 rrdb; do
	echo "$m: the command line's output against the bare program's: $(java -cp "$cp" \
		org.fijigan.bench.ColdPathBench same "$work/$m/cli.npy" "$work/$m/bare.npy")" >>"$work/models.txt"
done

# shellcheck disable=SC2086 # jvm holds several words
java $jvm -cp "$cp" org.fijigan.bench.ColdPathBench gflops models/sr-x4/sr-x4.onnx 1 256 256 64 "$threads" "$reps" >"$work/sr-x4/gflops.txt"
# shellcheck disable=SC2086
java $jvm -cp "$cp" org.fijigan.bench.ColdPathBench gflops "$rrdb" 3 256 256 64 "$threads" "$reps" >"$work/rrdb/gflops.txt"

{
	echo "# Cold path: $(date -u +%Y-%m-%d), $rounds rounds, $threads threads, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	sed 's/^/- /' "$work/models.txt"
	echo
	java -cp "$cp" org.fijigan.bench.ColdPathBench report "$work"
} >"$work/report.md"
cat "$work/report.md"
