#!/bin/sh
# fetch-data.sh: the training and test images of the project's model recipes, from Debian packages
# whose images may be used for training (licenses: each package's /usr/share/doc/PKG/copyright,
# summed up in the model cards). Idempotent: a package already extracted is not fetched again, and a
# set already prepared by the same command is kept.
#
#   models/recipes/fetch-data.sh [--force]     # --force prepares the sets again
#
# Environment:
#   FIJI_GAN_DATA  the cache folder (default: $HOME/.cache/fiji-gan/data)
#   FIJI_GAN       the fiji-gan launcher (default: the one at the root of this checkout)
#
# Writes, under the cache folder:
#   debs/                          the downloaded .deb files
#   root/                          their contents (dpkg -x), read only by what follows
#   photos/{train,test}/*.png      natural photographs, 8-bit grey, longer side <= 1024 px
#   micro/test/*.png               the other domain: microscopy (micro-*) and retina (medical-*)
#   mri/{train,test}/{axial,coronal,sagittal}/*.png   64x64 slices of the Colin27 T1 MRI
#   fluorescence/{train,test,tune}/*.tif   synthetic fluorescence scenes (16-bit) with point sources,
#                                  rendered by fiji-gan itself; noisy/ holds camera-noise copies
#   mri-large/{train,test}/{axial,coronal,sagittal}/*.png   the same at 192x192
#   medical/test/*.png             other subjects and modalities: MRI and cryosection slices (ITK)
# Each set's recipe.txt holds the prepare-data arguments that made it.
set -e

CACHE=${FIJI_GAN_DATA:-$HOME/.cache/fiji-gan/data}
ROOT=$(cd "$(dirname "$0")/../.." && pwd -P)
FIJI_GAN=${FIJI_GAN:-$ROOT/fiji-gan}
PACKAGES="mricron-data python3-skimage opencv-doc plasma-workspace-wallpapers insighttoolkit5-examples"
FORCE=false
[ "$1" = --force ] && FORCE=true

mkdir -p "$CACHE/debs" "$CACHE/root"
CACHE=$(cd "$CACHE" && pwd -P)

# apt-get update needs root; apt-get download does not.
SUDO=
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi
updated=false

for pkg in $PACKAGES; do
	stamp=$CACHE/root/.extracted-$pkg
	[ -f "$stamp" ] && continue
	deb=$(ls "$CACHE/debs/${pkg}_"*.deb 2>/dev/null | head -n 1 || true)
	if [ -z "$deb" ]; then
		echo "fetch-data: downloading $pkg" >&2
		if ! (cd "$CACHE/debs" && apt-get download "$pkg"); then
			if [ "$updated" = false ]; then
				echo "fetch-data: apt-get update, then trying $pkg again" >&2
				$SUDO apt-get update
				updated=true
			fi
			(cd "$CACHE/debs" && apt-get download "$pkg")
		fi
		deb=$(ls "$CACHE/debs/${pkg}_"*.deb | head -n 1)
	fi
	echo "fetch-data: extracting $(basename "$deb")" >&2
	dpkg -x "$deb" "$CACHE/root"
	touch "$stamp"
done

CV=$CACHE/root/usr/share/doc/opencv-doc/examples/data
SK=$CACHE/root/usr/lib/python3/dist-packages/skimage/data
WP=$CACHE/root/usr/share/wallpapers
MRI=$CACHE/root/usr/share/mricron/templates/ch2better.nii.gz
ITK=$CACHE/root/usr/share/doc/insighttoolkit5-examples/examples/Data

# prepare SET ARGS...: runs 'fiji-gan prepare-data ARGS --output CACHE/SET' unless CACHE/SET was made
# by the same ARGS. Written to a hidden folder first and renamed, so a set is whole or absent.
prepare() {
	set_name=$1
	shift
	recipe=$(printf '%s\n' "$@")
	if [ "$FORCE" = false ] && [ -f "$CACHE/$set_name/recipe.txt" ] &&
		[ "$(cat "$CACHE/$set_name/recipe.txt")" = "$recipe" ]; then
		echo "fetch-data: $set_name is up to date" >&2
		return 0
	fi
	partial=$CACHE/.$set_name.partial
	rm -rf "$partial"
	echo "fetch-data: preparing $set_name" >&2
	"$FIJI_GAN" prepare-data "$@" --output "$partial"
	printf '%s\n' "$recipe" >"$partial/recipe.txt"
	rm -rf "$CACHE/$set_name"
	mv "$partial" "$CACHE/$set_name"
}

# --- Natural photographs -------------------------------------------------------------------------
# Only photographs, one of each near-duplicate pair. Inclusion lists, so that a new package version
# adds nothing unseen. Left out of opencv-doc: renders (Blender_Suzanne*, blox), drawings and logos
# (HappyFish, LinuxLogo, WindowsLogo, opencv-logo*, ml, pic1-6, cards, detect_blob, ellipses,
# gradient, mask, templ, tmpl), text (text_defocus, text_motion, imageText*, notes, digits, sudoku,
# box: the same box as box_in_scene), a painting (starry_night), calibration chessboards
# (left01-14, right01-14, chessboard), pairs and frames of the same scene (aero3, aloeR, right,
# leuvenB, graf3, basketball2, rubberwhale2, ela_modified), aloeGT (disparity map),
# licenseplate_motion (synthetic blur), pca_test1 (silhouettes on a light box).
OPENCV_PHOTOS="aero1.jpg aloeL.jpg apple.jpg baboon.jpg board.jpg building.jpg butterfly.jpg
	ela_original.jpg fruits.jpg home.jpg left.jpg leuvenA.jpg messi5.jpg orange.jpg squirrel_cls.jpg
	stuff.jpg basketball1.png box_in_scene.png chicky_512.png graf1.png rubberwhale1.png smarties.png"
# Left out of skimage: synthetic or tiny images (block, checker_bilevel, chessboard_*, color,
# palette_*, foo3x5x4indexed, green_palette, horse, logo, phantom), text (bw_text, page, text),
# clock_motion (synthetic blur), motorcycle_right (stereo pair), truncated.jpg (damaged on purpose),
# and the other domain below (cell, ihc, microaneurysms, retina).
SKIMAGE_PHOTOS="astronaut.png brick.png camera.png chelsea.png coffee.png coins.png grass.png
	gravel.png hubble_deep_field.jpg moon.png motorcycle_left.png rocket.jpg"
# Plasma wallpapers that are photographs; the others are drawn (Altai, Autumn, Canopee, Cascade,
# Cluster, Elarun, Flow, FlyingKonqui, Honeywave, IceCold, Kay, Kokkini, MilkyWay, Opal,
# PastelHills, Patak, SafeLanding, Shell, Volna). Each comes at several sizes: the largest is used.
WALLPAPER_PHOTOS="BytheWater ColdRipple ColorfulCups DarkestHour EveningGlow FallenLeaf Grey Kite
	OneStandsOut Path summer_1am"

# The largest WxH.ext of a wallpaper, by pixel count.
largest() {
	for f in "$WP/$1/contents/images/"*; do
		size=$(basename "$f")
		size=${size%.*}
		echo "$((${size%x*} * ${size#*x})) $f"
	done | sort -n | tail -n 1 | cut -d' ' -f2-
}

set --
for f in $OPENCV_PHOTOS; do set -- "$@" --input "opencv-${f%.*}=$CV/$f"; done
for f in $SKIMAGE_PHOTOS; do set -- "$@" --input "skimage-${f%.*}=$SK/$f"; done
for w in $WALLPAPER_PHOTOS; do set -- "$@" --input "wallpaper-$w=$(largest "$w")"; done
prepare photos photos "$@" --max-side 1024 --test-fraction 0.15 --seed 0

# --- The other domain: microscopy and retina, all test --------------------------------------------
# cell.png: phase contrast microscopy; ihc.png: bright-field immunohistochemistry; microaneurysms.png
# and retina.jpg: retina (fundus) images, medical rather than microscopy, so named medical-*.
prepare micro photos --input "micro-cell=$SK/cell.png" --input "micro-ihc=$SK/ihc.png" \
	--input "medical-microaneurysms=$SK/microaneurysms.png" --input "medical-retina=$SK/retina.jpg" \
	--max-side 1024 --test-fraction 1 --seed 0

# --- Synthetic fluorescence: point sources, filaments, cells, textures -----------------------------
# Rendered, not downloaded (no license attached): 256x256 16-bit scenes with their point sources in
# the TIFF info. tune/ chooses the classical baselines' parameters in evaluate; noisy/ is the
# self-supervised benchmark's input (camera noise: 30 photons per unit of signal, read noise 0.01).
prepare fluorescence fluorescence --train 60 --test 12 --tune 3 --size 256 --seed 0 \
	--noisy photons=30,read=0.01

# --- MRI slices ----------------------------------------------------------------------------------
# Colin27 T1 (ch2better, 301x370x316 at 0.5 mm). Axial anterior up, coronal and sagittal superior
# up; the subject's right on the image's left (radiological), sagittal anterior on the left.
# Slices in blocks of 10 along each axis, every 5th block to test: test slices are not the direct
# neighbours of most training slices (only a block's two end slices touch the training set).
prepare mri slices --input "$MRI" --size 64 --min-foreground 0.15 --foreground-level 0.1 \
	--test-block 10 --test-every 5

# The same volume at 192x192, to evaluate inpainting on MRI (holes need room); the same split.
prepare mri-large slices --input "$MRI" --size 192 --min-foreground 0.15 --foreground-level 0.1 \
	--test-block 10 --test-every 5

# --- Medical slices of other subjects, all test -------------------------------------------------
# insighttoolkit5-examples (Apache-2.0): the distinct real slices of its example data: proton
# density and T1 brain MRI, a mid-sagittal brain MRI, an abdominal fat MRI, and two Visible Woman
# cryosection photographs (head, eye). Left out: the shifted, rotated, resampled or bordered copies
# of the proton density slice, and the synthetic test patterns.
prepare medical photos --input "medical-brain-pd=$ITK/BrainProtonDensitySlice.png" \
	--input "medical-brain-t1=$ITK/BrainT1Slice.png" \
	--input "medical-brain-sagittal=$ITK/BrainMidSagittalSlice.png" \
	--input "medical-fat-mri=$ITK/FatMRISlice.png" \
	--input "medical-visible-woman-head=$ITK/VisibleWomanHeadSlice.png" \
	--input "medical-visible-woman-eye=$ITK/VisibleWomanEyeSlice.png" \
	--max-side 1024 --test-fraction 1 --seed 0

echo "$CACHE"
