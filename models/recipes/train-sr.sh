#!/bin/sh
# Recipe of the bundled super-resolution models (grey, 1 channel), trained from scratch on natural
# photographs from Debian packages (see fetch-data.sh), L1 loss (PSNR-oriented, no discriminator).
#   models/recipes/train-sr.sh SCALE SEED     (train-sr-x2.sh and train-sr-x4.sh call it)
. "$(dirname "$0")/common.sh"
S=$1
SEED=$2
fetch_data
start "sr-x$S"
create --arch rrdb-sr --scale "$S" --channels 1 --width 32 --blocks 1 --seed "$SEED"
train --data "$DATA/photos/train" --steps 1500 --batch 8 --patch 64 --optimizer adam --lr 2e-4 \
	--loss l1 --seed "$SEED" --validation 0.1 --validate-every 250
evaluate --data "$DATA/photos/test" --other-data "$DATA/micro/test" --seed 1
package --description "Grey (1-channel) super-resolution x$S, trained by fiji-gan on natural photographs; for microscopy- and medical-like images, applied per channel to colour." \
	--sample "$ROOT/samples/cells.png" --tags "grey,x$S,microscopy" \
	--cite "Wang et al. 2018, ESRGAN=https://arxiv.org/abs/1809.00219"
