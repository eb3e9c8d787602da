# Sourced by the benchmark scripts, from the repository root: PyTorch for /usr/bin/python3 (Debian's
# python3-torch and python3-onnx, installed with apt-get when missing) and the test class path in $cp
# (the benchmark mains live in src/test/java/org/fijigan/bench).
py=/usr/bin/python3
if ! $py -c 'import torch, onnx' 2>/dev/null; then
	echo "installing python3-torch and python3-onnx (Debian) ..." >&2
	apt-get install -y python3-torch python3-onnx >&2 ||
		{ apt-get update >&2 && apt-get install -y python3-torch python3-onnx >&2; }
fi
mvn -q -B -o ${FIJI_GAN_MVN_OPTS:-} test-compile dependency:build-classpath \
	-Dmdep.outputFile=target/bench-cp.txt >&2
cp="target/test-classes:target/classes:$(cat target/bench-cp.txt)"
