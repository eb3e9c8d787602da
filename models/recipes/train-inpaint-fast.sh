#!/bin/sh
# Recipe: inpaint-fast, the fast bundled inpainting model (grey, 1 channel): a U-Net of gated
# convolutions over a multigrid harmonic fill, trained on natural photographs, MRI slices and
# synthetic fluorescence scenes with free-form holes of varied size (one-pixel scratches to half
# the patch, 5-50% of each 128x128 patch), L1 loss.
. "$(dirname "$0")/common.sh"
fetch_data photos micro medical mri-large
start inpaint-fast
# One training folder of the three sets (hard links where the file system allows, else copies),
# made in a staging folder and renamed, so an interrupted run leaves no half-made folder behind.
# The fluorescence scenes (rendered here, no license attached) are the first 200 of `prepare-data
# fluorescence --seed 0`: low-contrast cells, textures, filaments and spots on an offset, the kind
# of image the photographs and MRI slices alone did not prepare the model for.
link_or_copy() { # FROM TO
	cp -al "$1" "$2" 2>/dev/null || { rm -rf "$2" && cp -R "$1" "$2"; }
}
if ! packaging_only && [ ! -d "$WORK/data" ]; then
	rm -rf "$WORK/data.tmp" "$WORK/scenes.tmp"
	mkdir -p "$WORK/data.tmp/fluorescence"
	link_or_copy "$DATA/photos/train" "$WORK/data.tmp/photos"
	link_or_copy "$DATA/mri-large/train" "$WORK/data.tmp/mri"
	"$FIJI_GAN" prepare-data fluorescence --output "$WORK/scenes.tmp" --train 200 --test 0 --tune 0 \
		--seed 0
	mv "$WORK/scenes.tmp/train/"*.tif "$WORK/data.tmp/fluorescence/"
	rm -rf "$WORK/scenes.tmp"
	mv "$WORK/data.tmp" "$WORK/data"
fi
create --arch gated-inpaint-unet --channels 1 --width 32 --seed 4
train --data "$WORK/data" --steps 6000 --batch 8 --patch 128 --optimizer adam --lr 5e-4 \
	--lr-schedule cosine --loss l1 --degradation varied-holes:0.05..0.5 --seed 4 \
	--validation 0.1 --validate-every 500
evaluate --data "$DATA/photos/test" --other-data "$DATA/micro/test" --other-data "$DATA/medical/test" \
	--other-data "$DATA/mri-large/test" --seed 1
package --description "Fast grey (1-channel) inpainting of free-form holes: a U-Net of gated convolutions over a multigrid harmonic fill, trained by fiji-gan on natural photographs, MRI slices and synthetic fluorescence scenes." \
	--sample "$ROOT/samples/cells.png" --mask "$ROOT/samples/hole-mask.png" --tags "grey,inpainting" \
	--cite "Yu et al. 2019, gated convolution=https://arxiv.org/abs/1806.03589" \
	--cite "Ronneberger et al. 2015, U-Net=https://arxiv.org/abs/1505.04597"
