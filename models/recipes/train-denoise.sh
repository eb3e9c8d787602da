#!/bin/sh
# Recipe: the bundled blind denoiser (grey, 1 channel), trained on natural photographs and on
# synthetic fluorescence scenes (point sources, filaments, cells, textures) that fiji-gan renders
# itself: Gaussian noise of sigma 0.01-0.25 or Poisson-Gaussian noise (5-200 photons at full
# scale, read noise 0-0.02), one drawn per sample.
. "$(dirname "$0")/common.sh"
fetch_data
start denoise
# The training set: both folders, through links (a sample draws an image uniformly, so about 3 in
# 5 samples are fluorescence scenes: 60 of them beside 38 photographs).
if ! packaging_only; then
	mkdir -p "$WORK/data"
	ln -sfn "$DATA/photos/train" "$WORK/data/photos"
	ln -sfn "$DATA/fluorescence/train" "$WORK/data/fluorescence"
fi
# PyTorch's initialisation, which the packaged model was trained from (create-model's default is
# now He et al.'s, which deeper stacks need; at 10 layers both train)
create --arch residual-denoiser --channels 1 --width 32 --blocks 10 --init pytorch --seed 3
train --data "$WORK/data" --steps 5000 --batch 8 --patch 64 --optimizer adam --lr 1e-3 \
	--lr-schedule cosine \
	--loss l1 --seed 3 --validation 0.1 --validate-every 250 \
	--degradation gaussian:0.01..0.25 --degradation poisson-gaussian:photons=5..200,read=0..0.02
# The classical baselines are tuned on images that are never evaluated: one training photograph for
# the two photo sets, the fluorescence tuning scenes for the fluorescence test scenes.
if ! packaging_only; then
	mkdir -p "$WORK/tune-photos"
	cp "$DATA/photos/train/skimage-camera.png" "$WORK/tune-photos/"
fi
evaluate --data "$DATA/photos/test" --other-data "$DATA/micro/test" \
	--other-data "$DATA/fluorescence/test" --tune-data "$WORK/tune-photos" \
	--tune-data "$WORK/tune-photos" --tune-data "$DATA/fluorescence/tune" --seed 1
package --description "Blind grey (1-channel) denoiser for Gaussian and Poisson-Gaussian noise, trained by fiji-gan on natural photographs and synthetic fluorescence scenes with point sources." \
	--sample "$ROOT/samples/cells-noisy.png" --tags "grey,denoising,microscopy,fluorescence" \
	--cite "Zhang et al. 2017, DnCNN=https://arxiv.org/abs/1608.03981"
