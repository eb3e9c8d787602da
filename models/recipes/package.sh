#!/bin/sh
# The packaging stage of the model recipes alone: package.sh NAME... packages models/NAME/ again
# from the files in it (weights NAME.onnx, model card README.md with its measured numbers;
# metrics.csv and loss.csv stay), with the arguments its recipe gives package-model, without data,
# training or evaluation. Run it after a change to package-model; for a model trained again, run
# its recipe (train-NAME.sh), which packages at its end. Names: sr-x2 sr-x4 denoise inpaint
# inpaint-fast mri-generator.
set -e
RECIPES=$(cd "$(dirname "$0")" && pwd -P)
if [ $# -eq 0 ]; then
	echo "usage: $0 NAME... (sr-x2 sr-x4 denoise inpaint inpaint-fast mri-generator)" >&2
	exit 2
fi
for name in "$@"; do
	if [ ! -f "$RECIPES/train-$name.sh" ]; then
		echo "package.sh: no recipe $RECIPES/train-$name.sh" >&2
		exit 2
	fi
	RECIPE_ONLY=package sh "$RECIPES/train-$name.sh"
done
