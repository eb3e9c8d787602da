#!/bin/sh
# Recipe: the bundled super-resolution x4 model (grey, 1 channel), trained from scratch on natural
# photographs from Debian packages (see fetch-data.sh), L1 loss (PSNR-oriented, no discriminator).
. "$(dirname "$0")/common.sh"
fetch_data
start sr-x4
create --arch rrdb-sr --scale 4 --channels 1 --width 32 --blocks 1 --seed 2
train --data "$DATA/photos/train" --steps 1500 --batch 8 --patch 64 --optimizer adam --lr 2e-4 \
	--loss l1 --seed 2 --validation 0.1 --validate-every 250
evaluate --data "$DATA/photos/test" --other-data "$DATA/micro/test" --seed 1
package --description "Grey (1-channel) super-resolution x4, trained by fiji-gan on natural photographs; for microscopy- and medical-like images, applied per channel to colour." \
	--sample "$ROOT/samples/cells.png" --tags "grey,x4,microscopy" \
	--cite "Wang et al. 2018, ESRGAN=https://arxiv.org/abs/1809.00219"
