"""Training pairs for bench/faint-learned.sh: noisy scenes and maps of their point sources.

Usage: faint_detector_pairs.py SCENES OUT

SCENES is a folder of `prepare-data fluorescence` (16-bit TIFFs and sources.csv). For every scene,
normalised to its own minimum..maximum as evaluate normalises a 16-bit image, writes under OUT/input
two noisy copies at each of evaluate's noises (Gaussian sigma 15, 25, 50/255; Poisson at 30 photons
per unit plus read noise 0.01), clipped to [0, 1], and under OUT/target, by the same names, the map
of the scene's sources: at each pixel the largest exp(-d^2 / 2) over the sources, d the distance in
pixels from the source's centre (every source, faint or not, as evaluate matches any source). 32-bit
TIFFs. Seeded (numpy's PCG64, seed 12), so the pairs are the same on every run.
"""
import csv
import glob
import os
import sys

import numpy as np
import tifffile

scenes, out = sys.argv[1], sys.argv[2]
os.makedirs(os.path.join(out, 'input'), exist_ok=True)
os.makedirs(os.path.join(out, 'target'), exist_ok=True)
rng = np.random.default_rng(12)
sources = {}
with open(os.path.join(scenes, 'sources.csv')) as f:
    for row in csv.DictReader(f):
        sources.setdefault(row['image'], []).append((float(row['x']), float(row['y'])))
for path in sorted(glob.glob(os.path.join(scenes, '*.tif'))):
    name = os.path.basename(path)[:-4]
    clean = tifffile.imread(path).astype(np.float64)
    clean = (clean - clean.min()) / (clean.max() - clean.min())
    yy, xx = np.mgrid[0:clean.shape[0], 0:clean.shape[1]]
    target = np.zeros_like(clean)
    for x, y in sources.get(name, []):
        target = np.maximum(target, np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / 2.0))
    for noise in ['15', '25', '50', 'pg']:
        for draw in range(2):
            if noise == 'pg':
                noisy = rng.poisson(30 * clean) / 30.0 + rng.normal(0, 0.01, clean.shape)
            else:
                noisy = clean + rng.normal(0, int(noise) / 255, clean.shape)
            file = '%s-%s-%d.tif' % (name, noise, draw)
            tifffile.imwrite(os.path.join(out, 'input', file),
                             np.clip(noisy, 0, 1).astype(np.float32))
            tifffile.imwrite(os.path.join(out, 'target', file), target.astype(np.float32))
