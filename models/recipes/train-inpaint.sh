#!/bin/sh
# Recipe: the bundled inpainting model (grey, 1 channel): free-form holes (strokes and boxes)
# covering 5-40% of each 96x96 patch, L1 loss.
. "$(dirname "$0")/common.sh"
fetch_data
start inpaint
create --arch gated-inpaint --channels 1 --width 32 --seed 4
train --data "$DATA/photos/train" --steps 1500 --batch 8 --patch 96 --optimizer adam --lr 1e-3 \
	--lr-schedule cosine \
	--loss l1 --seed 4 --validation 0.1 --validate-every 250 --degradation holes:0.05..0.4
evaluate --data "$DATA/photos/test" --other-data "$DATA/micro/test" --seed 1
package --description "Grey (1-channel) inpainting of free-form holes: a multigrid harmonic fill refined by gated convolutions, trained by fiji-gan on natural photographs." \
	--sample "$ROOT/samples/cells.png" --mask "$ROOT/samples/hole-mask.png" --tags "grey,inpainting" \
	--cite "Yu et al. 2019, gated convolution=https://arxiv.org/abs/1806.03589"
