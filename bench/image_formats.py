"""Image files as other libraries write them, and what fiji-gan reads of them.

write WORK: writes WORK/in (files by tifffile, Pillow, nibabel, pydicom and by hand for FITS),
WORK/expected (each file's array as the writing library reads it back, as [N, C, H, W] float64,
N = frames x slices) and WORK/id.onnx (an identity model of one channel).
compare WORK: reads WORK/out (fiji-gan's .npy results of the identity model, --normalize none)
and WORK/out/manifest.csv, and prints per kind of file how many were read exactly, refused with
a reason, or read otherwise (named).
"""
import csv
import itertools
import os
import struct
import sys
import warnings
from collections import Counter, defaultdict

import numpy as np

warnings.simplefilter("ignore")


def save_expected(work, name, kind, arr):
    """arr as [N, C, H, W]; FITS rows are flipped by the caller (ImageJ shows row 0 at the bottom)."""
    np.save(os.path.join(work, "expected", name + ".npy"), np.asarray(arr, np.float64))
    with open(os.path.join(work, "expected", "kinds.csv"), "a") as f:
        f.write(f"{name},{kind}\n")


def tiffs(work, rng):
    import tifffile
    for big, samples, dt, comp, planar, pages, bo, rps, pred in itertools.product(
            [False, True], [1, 3, 4], ["u1", "u2", "i2", "f4", "u4", "i4"], [None, "zlib"],
            ["contig", "separate"], [1, 3], ["<", ">"], [None, 5, "tiles"], [False, True]):
        if samples == 1 and planar == "separate" or pred and comp is None or \
                pred and dt == "f4" or samples > 1 and dt not in ("u1", "u2"):
            continue
        h, w = 20, 24  # in tiles of 16x16: the edge tiles stick out
        if dt == "f4":
            a = rng.standard_normal((pages, h, w, samples)).astype(dt)
        else:
            info = np.iinfo(dt)
            a = rng.integers(info.min, info.max, (pages, h, w, samples), endpoint=True).astype(dt)
        if samples == 4:
            a[..., 3] = np.iinfo(dt).max
        name = (f"{'big' if big else 'tif'}-s{samples}-{dt}-{comp}-{planar}-p{pages}-"
                f"{'le' if bo == '<' else 'be'}-r{rps}-{'pred' if pred else 'np'}")
        with tifffile.TiffWriter(os.path.join(work, "in", name + ".tif"), byteorder=bo,
                                 bigtiff=big) as t:
            for p in a:
                arr = p[..., 0] if samples == 1 else (
                    np.moveaxis(p, 2, 0) if planar == "separate" else p)
                extra = dict(photometric="minisblack") if samples == 1 else dict(
                    photometric="rgb", planarconfig=planar)
                if samples == 4:
                    extra["extrasamples"] = ["unassalpha"]
                layout = dict(tile=(16, 16)) if rps == "tiles" else dict(rowsperstrip=rps)
                t.write(arr, compression=comp, predictor=2 if pred else None, **layout, **extra)
        kept = a[..., :3] if samples == 4 else a  # alpha left out
        save_expected(work, name, "BigTIFF (tifffile)" if big else "TIFF (tifffile)",
                      np.moveaxis(kept, 3, 1))


def ome(work, rng):
    import tifffile
    h, w = 10, 14
    size = {"C": 2, "Z": 3, "T": 2, "Y": h, "X": w}
    for axes, dt in itertools.product(["CZYX", "ZCYX", "CTZYX", "TCZYX", "ZTCYX", "TZYX", "CTYX",
                                       "TZCYX"], ["u1", "u2", "f4"]):
        a = (rng.random([size[x] for x in axes]) * 200).astype(dt)
        full, ax = a, axes
        for d in "TZC":
            if d not in ax:
                full, ax = full[np.newaxis], d + ax
        tzc = np.transpose(full, [ax.index(d) for d in "TZCYX"])
        name = f"ome-{axes}-{dt}"
        tifffile.imwrite(os.path.join(work, "in", name + ".ome.tif"), a,
                         metadata={"axes": axes, "PhysicalSizeX": 0.25, "PhysicalSizeY": 0.25})
        t, z, c = tzc.shape[:3]
        save_expected(work, name, "OME-TIFF (tifffile)", tzc.reshape(t * z, c, h, w))


def pillow(work, rng):
    from PIL import Image
    g = np.tile(np.linspace(0, 255, 64), (48, 1)).astype(np.uint8)
    rgb = np.dstack([g, g[::-1], g])
    g16 = (rng.random((30, 40)) * 65535).astype(np.uint16)
    f = rng.standard_normal((30, 40)).astype(np.float32)
    i32 = (rng.random((30, 40)) * 2e9 - 1e9).astype(np.int32)
    images = [("L", Image.fromarray(g)), ("RGB", Image.fromarray(rgb)),
              ("1", Image.fromarray(g > 128)), ("I16", Image.fromarray(g16)),
              ("F", Image.fromarray(f, "F")), ("I", Image.fromarray(i32, "I"))]
    for comp, (mode, img) in itertools.product(
            [None, "tiff_lzw", "tiff_adobe_deflate", "packbits", "tiff_jpeg", "group4"], images):
        if comp == "group4" and mode != "1" or comp == "tiff_jpeg" and mode not in ("L", "RGB"):
            continue
        name = f"pil-{comp}-{mode}"
        path = os.path.join(work, "in", name + ".tif")
        img.save(path, compression=comp) if comp else img.save(path)
        back = Image.open(path)
        arr = np.asarray(back.convert("L") if mode == "1" else back, dtype=np.float64)
        arr = arr[None, None] if arr.ndim == 2 else np.moveaxis(arr, 2, 0)[None]
        save_expected(work, name, "TIFF (Pillow)", arr)


def gdal_jpeg(work, rng):
    """TIFFs compressed with JPEG, as GDAL writes them (strips or tiles of abbreviated JPEG
    streams with shared JPEGTables; grey, RGB, and YCbCr with 4:2:0 chroma), read back by GDAL
    (libtiff and libjpeg). Separate colour planes are refused. Without python3-gdal, none."""
    try:
        from osgeo import gdal
    except ImportError:
        return
    gdal.UseExceptions()
    h, w = 36, 40  # in 16x16 tiles and 16-row strips: the edge tiles and strip stick out
    y, x = np.mgrid[0:h, 0:w]
    grey = (np.clip(4 * x + 3 * y + rng.normal(0, 12, (h, w)), 0, 255)).astype(np.uint8)
    colour = np.stack([grey, (255 - 5 * y).astype(np.uint8),
                       np.clip(6 * x + rng.normal(0, 20, (h, w)), 0, 255).astype(np.uint8)])
    for bands, photometric, layout, big, interleave in itertools.product(
            [1, 3], ["", "RGB", "YCBCR"], ["strips", "tiles"], [False, True], ["PIXEL", "BAND"]):
        if (bands == 1) != (photometric == "") or bands == 1 and interleave == "BAND" or \
                photometric == "YCBCR" and interleave == "BAND":
            continue
        name = f"gdal-jpeg-{bands}-{photometric or 'grey'}-{layout}-{'big' if big else 'classic'}" \
               f"-{interleave.lower()}"
        options = ["COMPRESS=JPEG", "JPEG_QUALITY=90", f"INTERLEAVE={interleave}",
                   "BIGTIFF=" + ("YES" if big else "NO")]
        options += ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"] if layout == "tiles" \
            else ["BLOCKYSIZE=16"]
        if photometric:
            options.append("PHOTOMETRIC=" + photometric)
        path = os.path.join(work, "in", name + ".tif")
        ds = gdal.GetDriverByName("GTiff").Create(path, w, h, bands, gdal.GDT_Byte, options)
        for b in range(bands):
            ds.GetRasterBand(b + 1).WriteArray(grey if bands == 1 else colour[b])
        ds = None
        back = gdal.Open(path).ReadAsArray().astype(np.float64)
        arr = back[None, None] if back.ndim == 2 else back[None]
        save_expected(work, name, "JPEG in TIFF (GDAL)", arr)


def other_formats(work, rng):
    """PNG, BMP, GIF, PGM/PPM and JPEG by Pillow, as fiji-gan documents reading them: alpha left
    out, a palette as its colours, grey of 1 to 4 bits as its sample values (as ImageJ reads
    them), JPEG within 2 levels (another decoder) and as stored whatever its Exif orientation;
    a CMYK JPEG is refused."""
    from PIL import Image
    h, w = 24, 32
    g = rng.integers(0, 256, (h, w)).astype(np.uint8)
    rgb = rng.integers(0, 256, (h, w, 3)).astype(np.uint8)
    g16 = rng.integers(0, 65536, (h, w)).astype(np.uint16)
    smooth = np.tile(np.linspace(0, 255, w), (h, 1)).astype(np.uint8)
    images = {
        "png-L": (Image.fromarray(g), "png"), "png-I16": (Image.fromarray(g16), "png"),
        "png-RGB": (Image.fromarray(rgb), "png"),
        "png-RGBA": (Image.fromarray(np.dstack([rgb, g]), "RGBA"), "png"),
        "png-LA": (Image.fromarray(np.dstack([g, g[::-1]]), "LA"), "png"),
        "png-P": (Image.fromarray(rgb).quantize(16), "png"),
        "png-1": (Image.fromarray(g > 128), "png"),
        "bmp-L": (Image.fromarray(g), "bmp"), "bmp-RGB": (Image.fromarray(rgb), "bmp"),
        "bmp-P": (Image.fromarray(rgb).quantize(16), "bmp"),
        "gif-P": (Image.fromarray(rgb).quantize(16), "gif"),
        "pgm-L": (Image.fromarray(g), "pgm"), "ppm-RGB": (Image.fromarray(rgb), "ppm"),
        "jpg-L": (Image.fromarray(smooth), "jpg"),
        "jpg-RGB": (Image.fromarray(np.dstack([smooth, smooth[:, ::-1], smooth // 2])), "jpg"),
    }
    colour = Image.fromarray(np.dstack([smooth, smooth[:, ::-1], smooth // 2]))
    jpeg_options = {"jpg-RGB-progressive": (colour, {"progressive": True}),
                    "jpg-RGB-420": (colour, {"subsampling": 2}),
                    "jpg-CMYK": (colour.convert("CMYK"), {})}
    for o in range(2, 9):
        exif = Image.Exif()
        exif[0x0112] = o
        jpeg_options[f"jpg-L-orientation{o}"] = (Image.fromarray(smooth), {"exif": exif})
    for name, (img, options) in jpeg_options.items():
        images[name] = (img, "jpg", options)
    for name, spec in images.items():
        img, ext = spec[:2]
        path = os.path.join(work, "in", name + "." + ext)
        img.save(path, quality=95, **(spec[2] if len(spec) > 2 else {})) if ext == "jpg" \
            else img.save(path)
        back = Image.open(path)
        if back.mode == "P":
            back = back.convert("RGB")
        elif back.mode in ("RGBA", "LA"):
            back = back.convert(back.mode[:-1])
        arr = np.asarray(back, dtype=np.float64)
        arr = arr[None, None] if arr.ndim == 2 else np.moveaxis(arr, 2, 0)[None]
        save_expected(work, name, "JPEG (Pillow)" if ext == "jpg" else
                      "PNG, BMP, GIF, PNM (Pillow)", arr)


def niftis(work, rng):
    import nibabel as nib
    for dt, shape, scale, gz, version in itertools.product(
            ["u1", "i1", "i2", "u2", "i4", "u4", "f4", "f8", "i8", "u8"],
            [(6, 5), (6, 5, 3), (6, 5, 3, 2)], [None, (2.0, -5.0)], [False, True], [1, 2]):
        if dt[0] == "f":
            a = (rng.standard_normal(shape) * 100).astype(dt)
        else:
            info = np.iinfo(dt)
            a = rng.integers(max(info.min, -2 ** 40), min(info.max, 2 ** 40), shape,
                             endpoint=True).astype(dt)
        header = nib.Nifti1Header() if version == 1 else nib.Nifti2Header()
        header.set_data_dtype(dt)
        img = (nib.Nifti1Image if version == 1 else nib.Nifti2Image)(a, np.eye(4), header=header,
                                                                     dtype=np.dtype(dt))
        if scale:
            img.header.set_slope_inter(*scale)
        name = f"nifti{version}-{dt}-{len(shape)}d-{'scaled' if scale else 'raw'}" + (
            "-gz" if gz else "")
        path = os.path.join(work, "in", name + (".nii.gz" if gz else ".nii"))
        nib.save(img, path)
        v = np.asanyarray(nib.load(path).get_fdata(dtype=np.float64))
        while v.ndim < 4:
            v = v[..., None]
        # voxel (i, j, k, t) is pixel (x = i, y = j) of slice k, frame t
        save_expected(work, name, "NIfTI (nibabel)",
                      np.transpose(v, (3, 2, 1, 0)).reshape(-1, 1, v.shape[1], v.shape[0]))


def dicom_dataset(path, sop_class, ts):
    """An empty pydicom dataset of SOP class sop_class in transfer syntax ts, to be saved at path."""
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import ExplicitVRBigEndian, ImplicitVRLittleEndian, generate_uid
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ts
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian = ts != ExplicitVRBigEndian
    ds.is_implicit_VR = ts == ImplicitVRLittleEndian
    ds.SOPClassUID, ds.SOPInstanceUID = sop_class, meta.MediaStorageSOPInstanceUID
    return ds


def dicoms(work, rng):
    import pydicom
    from pydicom.pixel_data_handlers.util import apply_modality_lut
    from pydicom.uid import ExplicitVRBigEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian
    for bits, signed, rescale, ts in itertools.product(
            [8, 16, 32], [False, True], [False, True],
            [ExplicitVRLittleEndian, ImplicitVRLittleEndian, ExplicitVRBigEndian]):
        dt = {8: "i1" if signed else "u1", 16: "i2" if signed else "u2", 32: "i4" if signed else "u4"}[bits]
        info = np.iinfo(dt)
        a = rng.integers(max(info.min, -30000), min(info.max, 60000), (12, 10),
                         endpoint=True).astype(dt)
        name = f"dicom-{bits}-{'s' if signed else 'u'}-{'rescaled' if rescale else 'raw'}-{ts[-3:]}"
        path = os.path.join(work, "in", name + ".dcm")
        ds = dicom_dataset(path, "1.2.840.10008.5.1.4.1.1.7", ts)
        ds.Modality = "OT"
        ds.Rows, ds.Columns = a.shape
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated = ds.BitsStored = bits
        ds.HighBit, ds.PixelRepresentation = bits - 1, int(signed)
        if rescale:
            ds.RescaleSlope, ds.RescaleIntercept = 2.0, -100.0
        ds.PixelData = a.astype(a.dtype.newbyteorder(
            ">" if ts == ExplicitVRBigEndian else "<")).tobytes()
        ds.save_as(path, write_like_original=False)
        back = pydicom.dcmread(path)
        v = apply_modality_lut(back.pixel_array, back) if rescale else back.pixel_array
        save_expected(work, name, "DICOM (pydicom)", np.asarray(v, np.float64)[None, None])
    enhanced_dicoms(work, rng)
    pydicom_samples(work, rng)


def pydicom_samples(work, rng):
    """The DICOM files pydicom ships as its own test data (CT, MR, US, RT, multi-frame, big endian,
    compressed...), those with pixel data pydicom decodes: expected through the modality LUT."""
    import glob
    import shutil
    import pydicom
    from pydicom.pixel_data_handlers.util import apply_modality_lut
    folder = os.path.join(os.path.dirname(pydicom.__file__), "data", "test_files")
    for path in sorted(glob.glob(os.path.join(folder, "*.dcm"))):
        try:
            ds = pydicom.dcmread(path)
            if "PixelData" not in ds:
                continue
            a = ds.pixel_array
        except Exception:  # no pixels pydicom decodes here (a codec it lacks, a damaged file)
            continue
        frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
        samples = int(getattr(ds, "SamplesPerPixel", 1))
        if samples == 1:
            v = np.asarray(apply_modality_lut(a, ds), np.float64)
            v = v.reshape(frames, 1, *v.shape[-2:])
        else:  # colour: [frames,] rows, columns, samples
            v = np.asarray(a, np.float64).reshape(frames, *a.shape[-3:]).transpose(0, 3, 1, 2)
        name = "pydicom-" + os.path.basename(path)[:-4]
        shutil.copy(path, os.path.join(work, "in", name + ".dcm"))
        save_expected(work, name, "DICOM (pydicom's sample files)", v)


def enhanced_dicoms(work, rng):
    """Enhanced CT of 3 frames, its rescale in the shared or in the per-frame functional groups.
    Expected: each frame's stored values times its own slope plus its intercept (the per-frame
    group where there is one), computed here from the groups pydicom reads back."""
    import pydicom
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence
    from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian

    def transformation(slope, intercept):
        t = Dataset()
        t.RescaleSlope, t.RescaleIntercept, t.RescaleType = slope, intercept, "HU"
        return Sequence([t])
    for where, ts in itertools.product(["shared", "per-frame"],
                                       [ExplicitVRLittleEndian, ImplicitVRLittleEndian]):
        a = rng.integers(0, 4096, (3, 12, 10)).astype("<u2")
        name = f"dicom-enhanced-{where}-{ts[-3:]}"
        path = os.path.join(work, "in", name + ".dcm")
        ds = dicom_dataset(path, "1.2.840.10008.5.1.4.1.1.2.1", ts)
        ds.Modality, ds.NumberOfFrames = "CT", 3
        ds.Rows, ds.Columns = a.shape[1:]
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        shared = Dataset()
        if where == "shared":
            shared.PixelValueTransformationSequence = transformation(1.0, -1024.0)
        ds.SharedFunctionalGroupsSequence = Sequence([shared])
        frames = []
        for f in range(3):
            group = Dataset()
            if where == "per-frame":
                group.PixelValueTransformationSequence = transformation(0.5 * (f + 1), -1000.0 + f)
            frames.append(group)
        ds.PerFrameFunctionalGroupsSequence = Sequence(frames)
        ds.PixelData = a.tobytes()
        ds.save_as(path, write_like_original=False)
        back = pydicom.dcmread(path)
        expected = []
        for f in range(3):
            group = (back.PerFrameFunctionalGroupsSequence[f] if where == "per-frame"
                     else back.SharedFunctionalGroupsSequence[0])
            t = group.PixelValueTransformationSequence[0]
            expected.append(back.pixel_array[f] * float(t.RescaleSlope) + float(t.RescaleIntercept))
        save_expected(work, name, "DICOM enhanced (pydicom)",
                      np.asarray(expected, np.float64)[:, None])


def fits(work, rng):
    def card(key, value=None):
        if value is None:
            return key.ljust(80).encode()
        text = ("T" if value is True else str(value)).rjust(20)
        return (key.ljust(8) + "= " + text).ljust(80).encode()
    for bitpix, scale in itertools.product([8, 16, 32, -32, -64], [None, (0.5, 10), (1, 32768)]):
        if scale == (1, 32768) and bitpix != 16:
            continue
        dt = {8: ">u1", 16: ">i2", 32: ">i4", -32: ">f4", -64: ">f8"}[bitpix]
        if bitpix < 0:
            raw = rng.standard_normal((6, 5)).astype(dt)
        else:
            info = np.iinfo(dt)
            raw = rng.integers(info.min, info.max, (6, 5), endpoint=True).astype(dt)
        cards = [card("SIMPLE", True), card("BITPIX", bitpix), card("NAXIS", 2),
                 card("NAXIS1", 5), card("NAXIS2", 6)]
        if scale:
            cards += [card("BSCALE", scale[0]), card("BZERO", scale[1])]
        head = b"".join(cards + [card("END")])
        head += b" " * (-len(head) % 2880)
        data = raw.tobytes()
        data += b"\0" * (-len(data) % 2880)
        name = f"fits-{bitpix}-{'scaled' if scale else 'raw'}{scale[1] if scale else ''}"
        with open(os.path.join(work, "in", name + ".fits"), "wb") as f:
            f.write(head + data)
        v = raw.astype(np.float64) * (scale[0] if scale else 1) + (scale[1] if scale else 0)
        save_expected(work, name, "FITS (by hand)", v[::-1][None, None])  # row 0 at the bottom


def write(work):
    import onnx
    from onnx import TensorProto, helper
    for d in ("in", "expected"):
        os.makedirs(os.path.join(work, d), exist_ok=True)
    rng = np.random.default_rng(7)
    for maker in (tiffs, ome, pillow, gdal_jpeg, other_formats, niftis, dicoms, fits):
        maker(work, rng)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, "h", "w"])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, "h", "w"])
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "identity", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, os.path.join(work, "id.onnx"))


def compare(work):
    kinds = dict(line.strip().split(",", 1) for line in open(os.path.join(work, "expected",
                                                                      "kinds.csv")))
    rows = {}
    with open(os.path.join(work, "out", "manifest.csv")) as f:
        for row in csv.DictReader(f):
            rows[os.path.basename(row["input"])] = row
    table = defaultdict(Counter)
    reasons = defaultdict(Counter)
    bad = []
    for file, row in sorted(rows.items()):
        name = file
        for ext in (".ome.tif", ".nii.gz", ".nii", ".tif", ".dcm", ".fits", ".png", ".bmp",
                    ".gif", ".pgm", ".ppm", ".jpg"):
            if name.endswith(ext):
                name = name[: -len(ext)]
                break
        kind = kinds.get(name, "?")
        if row["status"] != "done":
            table[kind]["refused"] += 1
            reason = row["message"].split(" is ", 1)[-1]
            reasons[kind][reason.split(",")[0][:90]] += 1
            continue
        expected = np.load(os.path.join(work, "expected", name + ".npy"))
        got = np.load(os.path.join(work, "out", row["output"]))
        got = got.reshape(expected.shape) if got.size == expected.size else got
        tolerance = 2 if kind.startswith("JPEG") else 0
        # float32 precision: an integer and its scaled value can each be rounded once
        ok = got.shape == expected.shape and np.allclose(
            got, expected.astype(np.float32), rtol=2.4e-7, atol=tolerance)
        table[kind]["read exactly" if ok else "read otherwise"] += 1
        if not ok:
            bad.append(f"{file}: {got.shape} against {expected.shape}")
    print("| files | count | read exactly (JPEG: within 2 levels) | refused with a reason | "
          "read otherwise |")
    print("|---|---|---|---|---|")
    for kind in sorted(table):
        c = table[kind]
        print(f"| {kind} | {sum(c.values())} | {c['read exactly']} | {c['refused']} | "
              f"{c['read otherwise']} |")
    for kind in sorted(reasons):
        for reason, n in reasons[kind].most_common():
            print(f"refused, {kind}: {n} x {reason}")
    for line in bad:
        print("read otherwise:", line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(write(sys.argv[2]) if sys.argv[1] == "write" else compare(sys.argv[2]))
