#!/usr/bin/env bash
# Real-window proof: starts ImageJ 1 with the plugin installed from target/Fiji.app under Xvfb,
# opens samples/, runs each Plugins > GAN command through its menu item on the bundled models
# (tools/ScreenshotTour.java, a pinned list of steps) and writes PNG screenshots to docs/screenshots/
# (or $1). Needs: Debian's xvfb (apt-get install -y xvfb), Java 17, Maven, the bundled models in
# models/. A folder of third-party models named by $FIJI_GAN_REAL_MODELS is optional (the same
# variable as the tests', see docs/contributing.md): without it the two steps that use a
# third-party model (Run ONNX Model with ESPCN, Manage Models > install of DnCNN) are skipped.
# Not part of `mvn verify`: it takes a few minutes and needs an X server.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${1:-$ROOT/docs/screenshots}
MODELS=${FIJI_GAN_REAL_MODELS:-}
if [ -z "$MODELS" ] || [ ! -d "$MODELS" ]; then
	echo "screenshots: FIJI_GAN_REAL_MODELS is not a folder; skipping the third-party model steps" >&2
	MODELS=$ROOT/target/screenshot-tour/no-real-models
fi
for m in denoise sr-x2 inpaint mri-generator; do
	[ -f "$ROOT/models/$m/rdf.yaml" ] || echo "screenshots: the bundled model models/$m is missing; its steps will fail" >&2
done
command -v Xvfb >/dev/null || { echo "screenshots: Xvfb is missing (apt-get install -y xvfb)" >&2; exit 2; }

mvn -q -B -o package -DskipTests
# ImageJ, SciJava, SnakeYAML and JAMA (which Fiji ships, so target/Fiji.app/jars leaves them
# out) in a folder of this script's own
LIB=$ROOT/target/screenshot-tour/lib
if [ ! -f "$LIB/ij-1.54p.jar" ] || ! ls "$LIB"/jama-*.jar >/dev/null 2>&1; then
	mvn -q -B -o dependency:copy-dependencies -DoutputDirectory="$LIB" -DincludeScope=runtime \
		-DincludeArtifactIds=ij,scijava-common,parsington,snakeyaml,jama
fi
javac -d target/screenshot-tour -cp "$LIB/ij-1.54p.jar" tools/ScreenshotTour.java

# A throwaway home (ImageJ prefs) and the Fiji.app folder as the ImageJ folder: plugins/ holds the
# plugin jar, its runtime dependencies come from jars/ (as Fiji's launcher adds them), ImageJ and
# SciJava from the build's class path (Fiji ships them).
HOME_DIR=$(mktemp -d)
trap 'kill $XVFB_PID 2>/dev/null || true; rm -rf "$HOME_DIR"' EXIT
DISPLAY_NUM=${DISPLAY_NUM:-97}
# tall enough to show the demo's contact sheet (1008 x 1630) at 75%
Xvfb :$DISPLAY_NUM -screen 0 1280x1720x24 -nolisten tcp &
XVFB_PID=$!
sleep 2
APP=$ROOT/target/Fiji.app
rm -rf "$APP/models/dncnn-s25" # what an earlier tour installed with Manage Models
CP="$ROOT/target/screenshot-tour:$LIB/*:$APP/jars/*"
rm -f "$OUT"/*.png 2>/dev/null || true
mkdir -p "$OUT"
(cd "$APP" && DISPLAY=:$DISPLAY_NUM HOME=$HOME_DIR timeout 1200 java -Xmx4g -Duser.home="$HOME_DIR" \
	-Dplugins.dir="$APP" -Dij.dir="$APP" -cp "$CP" ScreenshotTour "$ROOT/samples" "$MODELS" "$OUT")
ls -l "$OUT"
