#!/usr/bin/python3
"""Metrics, table and sample grids of bench/gan-fashion.sh (a benchmark, not a test).

  report WORK
      Judges the 100 samples per class each side drew for the same latents and labels
      (WORK/fiji-samples.npy, WORK/torch-samples.npy, WORK/eval-labels.npy) against the held-out
      real images (WORK/real.npz), and, as a yardstick, the first 100 training images of each
      class. Metrics, all on the judging classifier of gan_fashion_data.py (no Inception weights
      here, so the Frechet distance and KID are on its 64 features, comparable within this table
      only):
        FD        Frechet distance between Gaussians fitted to the features (Heusel et al. 2017)
        KID       kernel inception distance on the same features: unbiased MMD^2 with the kernel
                  (x.y / d + 1)^3, mean over 50 random subsets of 500 (Binkowski et al. 2018), x1000
        P, R      improved precision and recall (Kynkaenniemi et al. 2019), k = 3
        class acc share of samples the classifier puts in the class they were drawn for
        diversity mean pairwise RMS difference (in [-1, 1] units) between samples of one class,
                  relative to the same for the held-out real images of that class, averaged
        CPU s     CPU seconds per generator + discriminator step (WORK/cpu.txt)
      Prints the table (WORK/report.md) and writes WORK/samples.png: real, fiji-gan and PyTorch,
      one row per class.
"""

import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gan_fashion_data import CLASSES, Judge, to_model  # noqa: E402


def features_and_classes(net, x):
    with torch.no_grad():
        f = torch.cat([net.features(x[i:i + 500]) for i in range(0, len(x), 500)])
        return f.numpy().astype(np.float64), net.out(f).argmax(1).numpy()


def frechet(a, b):
    ma, mb = a.mean(0), b.mean(0)
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    w, v = np.linalg.eigh(ca)
    root = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    product = np.linalg.eigvalsh(root @ cb @ root)
    return float(((ma - mb) ** 2).sum() + np.trace(ca) + np.trace(cb) - 2 * np.sqrt(np.clip(product, 0,
                                                                                              None)).sum())


def kid(a, b, subsets=50, size=500, seed=0):
    rng = np.random.default_rng(seed)
    d = a.shape[1]
    values = []
    for _ in range(subsets):
        x = a[rng.choice(len(a), size, replace=False)]
        y = b[rng.choice(len(b), size, replace=False)]
        kxx, kyy, kxy = (x @ x.T / d + 1) ** 3, (y @ y.T / d + 1) ** 3, (x @ y.T / d + 1) ** 3
        n = size
        values.append((kxx.sum() - np.trace(kxx)) / (n * (n - 1)) + (kyy.sum() - np.trace(kyy)) / (
            n * (n - 1)) - 2 * kxy.mean())
    return float(np.mean(values))


def distances(a, b):
    return np.sqrt(np.clip((a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T, 0, None))


def precision_recall(real, fake, k=3):
    """Improved precision and recall: the share of each set inside the other's k-NN balls."""
    def radii(x):
        d = distances(x, x)
        return np.sort(d, axis=1)[:, k]  # column 0 is the point itself

    r_real, r_fake = radii(real), radii(fake)
    precision = (distances(fake, real) <= r_real[None, :]).any(1).mean()
    recall = (distances(real, fake) <= r_fake[None, :]).any(1).mean()
    return float(precision), float(recall)


def diversity(images, labels):
    """Per class, mean pairwise RMS difference of the images ([N, 1, 32, 32] in [-1, 1])."""
    out = []
    for c in range(len(CLASSES)):
        x = images[labels == c].reshape((labels == c).sum(), -1).astype(np.float64)
        d = distances(x, x) / np.sqrt(x.shape[1])
        n = len(x)
        out.append(d.sum() / (n * (n - 1)))
    return np.array(out)


def grid(images, labels, per_row=10):
    """One row per class, 32x32 cells with 2-pixel gaps, values in [-1, 1] to 0..255."""
    cell = 34
    out = np.full((len(CLASSES) * cell, per_row * cell), 255, np.uint8)
    for c in range(len(CLASSES)):
        picks = images[labels == c][:per_row]
        for j, img in enumerate(picks):
            out[c * cell + 1:c * cell + 33, j * cell + 1:j * cell + 33] = np.clip(
                (img[0] + 1) / 2 * 255 + 0.5, 0, 255).astype(np.uint8)
    return out


def report(work):
    net = Judge()
    net.load_state_dict(torch.load(os.path.join(work, "classifier.pt")))
    net.eval()
    real = np.load(os.path.join(work, "real.npz"))
    real_x = to_model(real["images"])
    real_f, _ = features_and_classes(net, real_x)
    real_div = diversity(real_x.numpy(), real["labels"])
    train = np.load(os.path.join(work, "train.npz"))
    per = len(real["labels"]) // len(CLASSES)
    keep = np.concatenate([np.flatnonzero(train["labels"] == c)[:per] for c in range(len(CLASSES))])
    labels = np.load(os.path.join(work, "eval-labels.npy"))
    sets = [("real training images", to_model(train["images"][keep]).numpy(), train["labels"][keep])]
    for name, file in (("fiji-gan", "fiji-samples.npy"), ("PyTorch", "torch-samples.npy")):
        sets.append((name, np.load(os.path.join(work, file)).astype(np.float32), labels))
    cpu = {}
    for line in open(os.path.join(work, "cpu.txt")):
        name, value = line.rsplit(" ", 1)
        cpu[name] = float(value)
    rows = []
    header = "| | FD | KID x1000 | precision | recall | class accuracy | diversity / real | CPU s per step |"
    rows.append(header)
    rows.append("|---|---|---|---|---|---|---|---|")
    results = {}
    for name, x, y in sets:
        f, predicted = features_and_classes(net, torch.from_numpy(x))
        p, r = precision_recall(real_f, f)
        m = dict(fd=frechet(real_f, f), kid=kid(real_f, f) * 1000, p=p, r=r,
                 acc=float((predicted == y).mean()), div=float((diversity(x, y) / real_div).mean()))
        results[name] = m
        c = f"{cpu[name]:.3f}" if name in cpu else "-"
        rows.append(f"| {name} | {m['fd']:.2f} | {m['kid']:.2f} | {m['p']:.3f} | {m['r']:.3f} | "
                    f"{m['acc']:.3f} | {m['div']:.3f} | {c} |")
    fiji, pt = results["fiji-gan"], results["PyTorch"]
    rows.append("")
    rows.append(f"fiji-gan / PyTorch: FD {fiji['fd'] / pt['fd']:.2f} (target <= 1.1), CPU s per step "
                f"{cpu['fiji-gan'] / cpu['PyTorch']:.2f} (target <= 0.6)")
    with open(os.path.join(work, "classifier.txt")) as fh:
        rows.append(f"judging classifier: {float(fh.read()):.3f} accuracy on Fashion-MNIST's 10,000 test images")
    text = "\n".join(rows)
    with open(os.path.join(work, "report.md"), "w") as fh:
        fh.write(text + "\n")
    print(text)
    from PIL import Image
    panels = [grid(x, y) for _, x, y in sets]
    gap = np.full((panels[0].shape[0], 12), 255, np.uint8)
    side = np.concatenate([panels[0], gap, panels[1], gap, panels[2]], 1)
    Image.fromarray(side).resize((side.shape[1] * 2, side.shape[0] * 2), Image.NEAREST).save(
        os.path.join(work, "samples.png"))


if __name__ == "__main__":
    report(sys.argv[2] if sys.argv[1] == "report" else sys.exit("usage: gan_fashion_report.py report WORK"))
