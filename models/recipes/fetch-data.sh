#!/bin/sh
# fetch-data.sh: the training and test images of the project's model recipes, from Debian packages
# whose images may be used for training (licenses: each package's /usr/share/doc/PKG/copyright,
# summed up in the model cards). Idempotent: a package already extracted is not fetched again, and a
# set already prepared by the same command is kept.
#
#   models/recipes/fetch-data.sh [--force] [SET...]   # --force prepares the sets again
#
# SET: photos, micro, fluorescence, mri, mri-large, medical or mri-subjects (default: all of them).
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
#   mri-subjects/{train,test}/VIEW-BIN/*.png  64x64 brain-only slices of three T1 MRI heads at 3 mm
#                                  per pixel (VIEW axial, coronal or sagittal; BIN 1..3 its
#                                  position), one head held out whole; mri-subjects/slices.csv lists them
# Each set's recipe.txt holds the prepare-data arguments that made it.
set -e

CACHE=${FIJI_GAN_DATA:-$HOME/.cache/fiji-gan/data}
ROOT=$(cd "$(dirname "$0")/../.." && pwd -P)
FIJI_GAN=${FIJI_GAN:-$ROOT/fiji-gan}
PACKAGES="mricron-data python3-skimage opencv-doc plasma-workspace-wallpapers insighttoolkit5-examples
	python-nibabel-doc"
ALL_SETS="photos micro fluorescence mri mri-large medical mri-subjects"
FORCE=false
if [ "$1" = --force ]; then
	FORCE=true
	shift
fi
SETS=${*:-$ALL_SETS}
for set_name in $SETS; do
	case " $ALL_SETS " in
		*" $set_name "*) ;;
		*)
			echo "fetch-data: unknown set '$set_name' (one of: $ALL_SETS)" >&2
			exit 2
			;;
	esac
done

# selected SET: whether SET was asked for
selected() {
	case " $SETS " in
		*" $1 "*) return 0 ;;
		*) return 1 ;;
	esac
}

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
	selected "$set_name" || return 0
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

# --- Brain slices of three subjects, one held out -------------------------------------------------
# Three T1-weighted human head volumes from Debian packages, one subject each (the packages'
# copyright files give "Files: *" as BSD-3-clause, Apache-2.0 and Expat): Colin27 (mricron-data,
# 1 mm) with its BET brain mask; ITK's KmeansTest head (insighttoolkit5-examples, 2x2x3 mm) with its
# skull-strip label map; nibabel's "someone" (python-nibabel-doc, 2.75 mm), which ships no mask:
# fiji-gan's own brain extraction (--mask auto). Someone is held out whole (test/), the other two
# train. Brain only, 3 mm pixels (192 mm frames), slices 3 mm apart, intensities 0.5..99.5th
# percentile inside each brain -> 0..255; classes: orientation x position third (see
# prepare-data brain-slices --help).
MRICRON=$CACHE/root/usr/share/mricron/templates
SOMEONE=$(find "$CACHE/root/usr/share/doc/python-nibabel-doc" -name someones_anatomy.nii.gz | head -n 1)
# The files' SHA-256 when this set was first made: another version of a package may bring other
# voxels, and so another set.
if selected mri-subjects; then
	for pair in "$MRICRON/ch2.nii.gz a009051127f64dc3dd554d5f5b589870ea72106d9642c21b4e7093e478cfc309" \
		"$MRICRON/ch2bet.nii.gz 592a2d20abdf36eefcb540ca8958428040edffc1bc1a18ba1dcfbabac77c5dd1" \
		"$ITK/KmeansTest_T1UCharRaw.nii.gz e0e5975587f3f7916804bdd317c493cdb99cdb3703bf2671d458528f62510327" \
		"$ITK/KmeansTest_T1RawSkullStrip.nii.gz f3ca85fa9559f7cc4b7c3ca862355cf0e7351505bdc62e3144b7fe6f6da37f3b" \
		"$SOMEONE aa8db666d0cc2d870b84a0c9a08d80568b964e3791da6c1fc5c3cdbc8feb3d57"; do
		file=${pair% *}
		if [ ! -f "$file" ]; then
			echo "fetch-data: ${file:-someones_anatomy.nii.gz} is missing (package layout changed?)" >&2
			exit 1
		fi
		[ "$(sha256sum "$file" | cut -d' ' -f1)" = "${pair##* }" ] ||
			echo "fetch-data: note: $(basename "$file") is not the file mri-subjects was first made from" >&2
	done
fi
prepare mri-subjects brain-slices --input "colin27=$MRICRON/ch2.nii.gz" \
	--mask "colin27=$MRICRON/ch2bet.nii.gz" \
	--input "itk-kmeans=$ITK/KmeansTest_T1UCharRaw.nii.gz" \
	--mask "itk-kmeans=$ITK/KmeansTest_T1RawSkullStrip.nii.gz" \
	--input "nibabel-someone=$SOMEONE" --mask nibabel-someone=auto --test nibabel-someone \
	--size 64 --pixel-mm 3 --position-bins 3

echo "$CACHE"
