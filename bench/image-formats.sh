#!/bin/sh
# What fiji-gan reads of image files as other libraries write them: TIFF and BigTIFF variants
# (tifffile), OME-TIFF (tifffile), TIFF (Pillow), JPEG-compressed TIFF (GDAL), NIfTI-1 and NIfTI-2 (nibabel), DICOM (pydicom)
# and FITS (written by hand). Each file goes through an identity model with --normalize none in
# one folder run (fiji-gan run ... --format npy), and its result is compared with the array the
# writing library reads back (bench/image_formats.py; FITS rows as ImageJ shows them, row 0 at
# the bottom). Prints, per kind of file, how many were read exactly, refused with a reason, or
# read otherwise; exits 1 when any was read otherwise. About a minute. Needs Debian's
# python3-tifffile, -pil, -nibabel, -pydicom, -onnx and -gdal (installed with apt-get when
# missing).
# Usage, from anywhere: bench/image-formats.sh
set -e
cd "$(dirname "$0")/.."
py=/usr/bin/python3
if ! $py -c 'import tifffile, PIL, nibabel, pydicom, onnx, numpy, osgeo.gdal' 2>/dev/null; then
	echo "installing python3-tifffile, -pil, -nibabel, -pydicom, -onnx, -gdal (Debian) ..." >&2
	pkgs="python3-tifffile python3-pil python3-nibabel python3-pydicom python3-onnx python3-numpy python3-gdal"
	apt-get install -y $pkgs >&2 || { apt-get update >&2 && apt-get install -y $pkgs >&2; }
fi
work=target/bench-image-formats
rm -rf "$work"
mkdir -p "$work"
$py bench/image_formats.py write "$work"
mvn -q -B -o ${FIJI_GAN_MVN_OPTS:-} compile dependency:build-classpath \
	-Dmdep.outputFile=target/bench-cp.txt >&2
cp="target/classes:$(cat target/bench-cp.txt)"
java -Djava.awt.headless=true -cp "$cp" org.fijigan.cli.Main run --model "$work/id.onnx" \
	--input "$work/in" --output "$work/out" --format npy --normalize none --threads 1 \
	>"$work/run.log" 2>&1 || true
$py bench/image_formats.py compare "$work" | tee "$work/report.txt"
