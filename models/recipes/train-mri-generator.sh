#!/bin/sh
# Recipe: the bundled synthetic brain MRI slice generator, class-conditional (axial, coronal,
# sagittal), 64x64, trained adversarially (least-squares GAN loss, fiji-gan's DCGAN-style
# discriminator with class projection) on slices of the Colin27 T1 template (mricron-data).
# No flips or rotations: they would mix the orientations the classes stand for. (Trial runs of
# 600 steps here: the non-saturating and hinge losses let the discriminator win and the
# generator collapse to black; the least-squares loss kept it learning.)
. "$(dirname "$0")/common.sh"
fetch_data
start mri-generator
create --arch dcgan --channels 1 --width 16 --size 64 --latent 64 --classes axial,coronal,sagittal --seed 5
train --data "$DATA/mri/train" --steps 10000 --batch 12 --patch 0 --augment none --optimizer adam \
	--lr 2e-4 --adversarial lsgan --adversarial-weight 1 --ema 0.999 --seed 5 --validation 0
evaluate --data "$DATA/mri/test" --train-data "$DATA/mri/train" --features "$WORK/pca-features.npy" --seed 1
package --description "SYNTHETIC brain MRI slices (T1, 64x64), class-conditional: axial, coronal, sagittal; trained by fiji-gan on one subject's template (Colin27). For augmentation and method development, never for diagnosis." \
	--tags "mri,brain,synthetic,generation" \
	--cite "Radford et al. 2016, DCGAN=https://arxiv.org/abs/1511.06434"
