#!/bin/sh
# Recipe: the bundled blind denoiser (grey, 1 channel): Gaussian noise of sigma 0.01-0.25 or
# Poisson-Gaussian noise (5-200 photons at full scale, read noise 0-0.02), one drawn per sample.
. "$(dirname "$0")/common.sh"
fetch_data
start denoise
create --arch residual-denoiser --channels 1 --width 32 --blocks 10 --seed 3
train --data "$DATA/photos/train" --steps 3000 --batch 8 --patch 64 --optimizer adam --lr 1e-3 \
	--lr-schedule cosine \
	--loss l1 --seed 3 --validation 0.1 --validate-every 250 \
	--degradation gaussian:0.01..0.25 --degradation poisson-gaussian:photons=5..200,read=0..0.02
evaluate --data "$DATA/photos/test" --other-data "$DATA/micro/test" --seed 1
package --description "Blind grey (1-channel) denoiser for Gaussian and Poisson-Gaussian noise, trained by fiji-gan on natural photographs." \
	--sample "$ROOT/samples/cells-noisy.png" --tags "grey,denoising,microscopy" \
	--cite "Zhang et al. 2017, DnCNN=https://arxiv.org/abs/1608.03981"
