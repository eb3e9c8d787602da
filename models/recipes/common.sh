# Shared by the model recipes (sourced, not run). Each recipe is one command that fetches its data,
# creates a seeded fresh model, trains it with fiji-gan's own fine-tune engine, evaluates it against
# classical baselines and writes the bioimage.io-style package into models/NAME/.
#
# Environment:
#   FIJI_GAN_DATA     data cache (default: $HOME/.cache/fiji-gan/data; see fetch-data.sh)
#   FIJI_GAN_WORK     training work folder: fresh model, checkpoints, loss curve
#                     (default: $HOME/.cache/fiji-gan/work)
#   FIJI_GAN          the fiji-gan launcher (default: the one at the root of this checkout)
#   FIJI_GAN_THREADS  intra-op threads for training (default: all cores)
#   FIJI_GAN_OUT      where the package goes (default: models/ of this checkout)
#   RECIPE_STOP=train stop after training (no evaluation, no package)
#   RECIPE_ONLY=package  the packaging stage alone: package models/NAME again from the files in it
#                     (weights NAME.onnx, model card README.md with its measured numbers; metrics.csv
#                     and loss.csv stay), without data, training or evaluation; package.sh NAME does it
# A recipe run again resumes from its last checkpoint, or skips training when the trained model
# exists; delete the work folder to train from scratch.
set -e
RECIPES=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(cd "$RECIPES/../.." && pwd -P)
FIJI_GAN=${FIJI_GAN:-$ROOT/fiji-gan}
DATA=${FIJI_GAN_DATA:-$HOME/.cache/fiji-gan/data}
WORK_ROOT=${FIJI_GAN_WORK:-$HOME/.cache/fiji-gan/work}
OUT_ROOT=${FIJI_GAN_OUT:-$ROOT/models}
THREADS=${FIJI_GAN_THREADS:-0}
export FIJI_GAN FIJI_GAN_DATA=$DATA

packaging_only() {
	[ "$RECIPE_ONLY" = package ]
}

fetch_data() {
	if packaging_only; then return 0; fi
	"$RECIPES/fetch-data.sh" "$@"
}

# start NAME: the work folder of model NAME
start() {
	NAME=$1
	WORK=$WORK_ROOT/$NAME
	if packaging_only; then
		echo "recipe $NAME: packaging $OUT_ROOT/$NAME again from the files in it" >&2
		return 0
	fi
	mkdir -p "$WORK"
	echo "recipe $NAME: work folder $WORK" >&2
}

# create ARGS...: the seeded fresh model (create-model ARGS), unless it exists
create() {
	if packaging_only; then return 0; fi
	[ -f "$WORK/fresh.onnx" ] || "$FIJI_GAN" create-model "$@" --output "$WORK/fresh.onnx"
}

# train ARGS...: fine-tune the fresh model into trained.onnx, resuming from a checkpoint
train() {
	if packaging_only; then return 0; fi
	if [ -f "$WORK/trained.onnx" ]; then
		echo "recipe $NAME: $WORK/trained.onnx exists, training skipped" >&2
	else
		resume=
		[ -n "$(ls "$WORK/checkpoint" 2>/dev/null)" ] && resume=--resume
		start_s=$(date +%s)
		"$FIJI_GAN" fine-tune -m "$WORK/fresh.onnx" -o "$WORK/trained.onnx" --checkpoint-dir \
			"$WORK/checkpoint" --checkpoint-every 250 --threads "$THREADS" $resume "$@"
		echo "recipe $NAME: trained in $(( $(date +%s) - start_s )) s" | tee "$WORK/train-time.txt" >&2
	fi
	if [ "$RECIPE_STOP" = train ]; then exit 0; fi
}

# evaluate ARGS...: fiji-gan evaluate on the trained model; the table goes to metrics.txt, the
# rows to metrics.csv (both in the work folder, and later in the package)
evaluate() {
	if packaging_only; then return 0; fi
	cp "$WORK/trained.onnx" "$WORK/$NAME.onnx"
	"$FIJI_GAN" evaluate --model "$WORK/$NAME.onnx" --output "$WORK/metrics.csv" --overwrite \
		--threads "$THREADS" "$@" | grep -v '^wrote ' | tee "$WORK/metrics.txt"
}

# package ARGS...: the bioimage.io package models/NAME/ (weights NAME.onnx, rdf.yaml, test and
# sample tensors, cover) with the model card cards/NAME.md, in which @METRICS@ becomes the evaluation
# table and @TRAINING@ the training time and the last lines of the loss curve. With
# RECIPE_ONLY=package: from the weights and the card already in models/NAME/.
package() {
	out=$OUT_ROOT/$NAME
	if packaging_only; then
		if [ ! -f "$out/$NAME.onnx" ] || [ ! -f "$out/README.md" ]; then
			echo "recipe $NAME: $out has no $NAME.onnx and README.md to package again; run the whole recipe" >&2
			exit 1
		fi
		package_model "$out/$NAME.onnx" "$out/README.md" "$@"
		echo "recipe $NAME: package written to $out" >&2
		return 0
	fi
	mkdir -p "$out"
	card=$WORK/README.md
	{
		echo "Training time of the packaged model: $(sed 's/.*trained in //' "$WORK/train-time.txt" \
			2>/dev/null || echo '(not recorded)') wall clock (see the recipe for the threads). The whole"
		echo "loss curve is \`loss.csv\` in this folder; its first and last rows:"
		echo
		echo '```'
		head -n 2 "$WORK/trained-loss.csv"
		tail -n 1 "$WORK/trained-loss.csv"
		echo '```'
	} > "$WORK/training.txt"
	awk -v metrics="$WORK/metrics.txt" -v training="$WORK/training.txt" '
		/^@METRICS@$/ { while ((getline line < metrics) > 0) print line; next }
		/^@TRAINING@$/ { while ((getline line < training) > 0) print line; next }
		{ print }' "$RECIPES/cards/$NAME.md" > "$card"
	package_model "$WORK/$NAME.onnx" "$card" "$@"
	cp "$WORK/metrics.csv" "$out/metrics.csv"
	cp "$WORK/trained-loss.csv" "$out/loss.csv"
	echo "recipe $NAME: package written to $out" >&2
}

# package_model MODEL CARD ARGS...: package-model into models/NAME/ with what every bundled package
# states: the name (the id is made of it), the MIT license, the authors and the maintainer, the
# project's GitHub organisation (the GitHub user bioimage.io asks for)
package_model() {
	model=$1
	card=$2
	shift 2
	"$FIJI_GAN" package-model -m "$model" -o "$OUT_ROOT/$NAME" --name "$NAME" --license MIT \
		--author "fiji-gan developers=fiji-gan" --maintainer "fiji-gan developers=fiji-gan" \
		--documentation "$card" --overwrite "$@"
}
