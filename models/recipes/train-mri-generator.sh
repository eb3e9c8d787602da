#!/bin/sh
# Recipe: the bundled synthetic brain MRI slice generator. Class-conditional on orientation and
# position (axial-1..3 from inferior, coronal-1..3 from posterior, sagittal-1..3 from the midline
# outward), 64x64 brain-only T1 slices at 3 mm per pixel, trained adversarially on two subjects
# (Colin27 and ITK's KmeansTest head) and evaluated on a third that it never saw (nibabel's
# "someone"); see fetch-data.sh (set mri-subjects) for the data and the model card for licenses.
# The stabilisers of the GAN papers: an SNGAN discriminator with class projection (Miyato et al.
# 2018, Miyato and Koyama 2018) regularised by a lazy R1 penalty on real slices (Mescheder et al.
# 2018; gamma 2, every 16th step, Karras et al. 2020) rather than spectral normalisation, minibatch
# standard deviation (Karras et al. 2018), DiffAugment on real and generated slices alike (Zhao et
# al. 2020), the hinge loss, TTUR learning rates (Heusel et al. 2017) and an EMA of the generator
# with a warm-up. No flips or rotations of the training slices: they would turn one orientation or
# position into another.
. "$(dirname "$0")/common.sh"
fetch_data mri-subjects
start mri-generator
create --arch dcgan --channels 1 --width 32 --size 64 --latent 64 --seed 5 \
	--classes axial-1,axial-2,axial-3,coronal-1,coronal-2,coronal-3,sagittal-1,sagittal-2,sagittal-3
train --data "$DATA/mri-subjects/train" --steps 13500 --batch 16 --patch 0 --augment none \
	--normalize range:0,255 --adversarial hinge --discriminator sngan --discriminator-width 16 \
	--r1 2 --r1-every 16 --minibatch-std --diff-augment translation,cutout,color --lr 1e-4 --d-lr 4e-4 \
	--adam-betas 0,0.9 --ema 0.999 --seed 5 --validation 0
evaluate --data "$DATA/mri-subjects/test" --train-data "$DATA/mri-subjects/train" \
	--features "$WORK/pca-features.npy" --normalize range:0,255 --max-images 1000 --utility 5 --draws 5 --seed 1
package --description "SYNTHETIC brain MRI slices (T1, brain only, 64x64 at 3 mm per pixel), class-conditional on orientation and position (axial-1..3, coronal-1..3, sagittal-1..3); trained by fiji-gan on two subjects (Colin27, ITK KmeansTest), evaluated on a third. For augmentation and method development, never for diagnosis." \
	--tags "mri,brain,t1,synthetic,generation,augmentation" \
	--cite "Radford et al. 2016, DCGAN=https://arxiv.org/abs/1511.06434" \
	--cite "Miyato et al. 2018, spectral normalization=https://arxiv.org/abs/1802.05957" \
	--cite "Zhao et al. 2020, DiffAugment=https://arxiv.org/abs/2006.10738"
