#!/usr/bin/env bash
# Loads the bundled packages (or the rdf.yaml files given) with JDLL's own descriptor parser, the
# bioimage.io reader of deepImageJ, and prints what JDLL makes of them (tools/jdll-check/
# JdllCheck.java). JDLL is not on Maven Central, so this clones its sources at a pinned commit
# (JDLL_REF, default the one docs/bundled-models.md reports) and compiles the parser and the tiling
# classes with their dependencies from Maven Central. Central has appose only up to 0.9.0 (JDLL
# wants 0.11.0, from maven.scijava.org), so the three classes that start Python environments
# (StarDist, Cellpose, DLModelPytorchProtected), which the parser asks only whether they are
# installed, are replaced by ones that answer "no", and EngineLoader's one appose call (a stack
# trace into a message) by toString(). Needs git, Java 17, Maven and the network. Not part of
# `mvn verify`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
REF=${JDLL_REF:-98d3be2147830b9e93904880d50b6c40d8d3399f}
WORK=${JDLL_WORK:-$ROOT/target/jdll-check}
mkdir -p "$WORK"
if [ ! -d "$WORK/JDLL/.git" ]; then
	git clone -q https://github.com/bioimage-io/JDLL "$WORK/JDLL"
fi
git -C "$WORK/JDLL" checkout -q "$REF"
echo "JDLL at $(git -C "$WORK/JDLL" rev-parse HEAD) ($(git -C "$WORK/JDLL" describe --tags --always))" >&2

SRC=$WORK/src
rm -rf "$SRC" "$WORK/classes"
mkdir -p "$SRC" "$WORK/classes"
cp -r "$WORK/JDLL/src/main/java/." "$SRC/"
sed -i 's/^import org.apposed.appose.util.Messages;//; s/errMsg = Messages.stackTrace(ex);/errMsg = ex.toString();/' \
	"$SRC/io/bioimage/modelrunner/engine/EngineLoader.java"
STUBS=$WORK/stubs
for class in model.special.stardist.StarDist model.special.cellpose.Cellpose model.python.DLModelPytorchProtected; do
	pkg=io.bioimage.modelrunner.${class%.*}
	name=${class##*.}
	mkdir -p "$STUBS/${pkg//.//}"
	echo "package $pkg; public class $name { public static boolean isInstalled() { return false; } }" \
		> "$STUBS/${pkg//.//}/$name.java"
done

cat > "$WORK/pom.xml" <<'POM'
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent><groupId>org.scijava</groupId><artifactId>pom-scijava</artifactId><version>45.0.0</version><relativePath/></parent>
  <groupId>jdll-check</groupId><artifactId>jdll-check</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>com.google.code.gson</groupId><artifactId>gson</artifactId></dependency>
    <dependency><groupId>org.yaml</groupId><artifactId>snakeyaml</artifactId></dependency>
    <dependency><groupId>net.imglib2</groupId><artifactId>imglib2</artifactId></dependency>
    <dependency><groupId>org.msgpack</groupId><artifactId>jackson-dataformat-msgpack</artifactId><version>0.9.5</version></dependency>
    <dependency><groupId>net.java.dev.jna</groupId><artifactId>jna-platform</artifactId></dependency>
    <dependency><groupId>net.java.dev.jna</groupId><artifactId>jna</artifactId></dependency>
    <dependency><groupId>org.apposed</groupId><artifactId>appose</artifactId><version>0.9.0</version></dependency>
  </dependencies>
</project>
POM
(cd "$WORK" && mvn -q -B dependency:build-classpath -Dmdep.outputFile=classpath.txt)
CP=$(cat "$WORK/classpath.txt")
javac -nowarn -d "$WORK/classes" -sourcepath "$STUBS:$SRC" -cp "$CP" \
	"$SRC/io/bioimage/modelrunner/bioimageio/description/ModelDescriptorFactory.java" \
	"$SRC/io/bioimage/modelrunner/bioimageio/tiling/TileCalculator.java" tools/jdll-check/JdllCheck.java
cp -r "$WORK/JDLL/src/main/resources/." "$WORK/classes/"
if [ $# -eq 0 ]; then set -- "$ROOT"/models/*/rdf.yaml; fi
java -cp "$WORK/classes:$CP" JdllCheck "$@"
