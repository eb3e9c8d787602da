#!/usr/bin/python3
"""Data and the judging classifier of bench/gan-fashion.sh (a benchmark, not a test).

  prepare WORK PER_CLASS REAL_PER_CLASS
      Fashion-MNIST (Debian's dataset-fashion-mnist) padded from 28x28 to 32x32 with zeros:
      the first PER_CLASS training images of each class as 8-bit PNGs in WORK/data/<class>/ (what
      both sides train on; also WORK/train.npz), and the first REAL_PER_CLASS test images of each
      class as the held-out real set the metrics compare with (WORK/real.npz).
  classifier WORK THREADS
      A small CNN trained on all 60,000 training images (padded to 32x32), the judge of the
      metrics: its class predictions give the class accuracy of generated samples, its 64-value
      penultimate layer the features of the Frechet distance, KID and precision/recall. (This
      machine has no Inception weights; FID-like numbers here are on these features, comparable
      between the two sides of this benchmark only.) Written to WORK/classifier.pt with its test
      accuracy in WORK/classifier.txt.
"""

import gzip
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SOURCE = "/usr/share/datasets/fashion-mnist"
CLASSES = ["tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag",
           "boot"]


def idx(name):
    with gzip.open(os.path.join(SOURCE, name), "rb") as fh:
        data = fh.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(split):
    images = idx(f"{split}-images-idx3-ubyte.gz")
    labels = idx(f"{split}-labels-idx1-ubyte.gz").astype(np.int64)
    return np.pad(images, ((0, 0), (2, 2), (2, 2))), labels


def first_per_class(images, labels, count):
    keep = np.concatenate([np.flatnonzero(labels == c)[:count] for c in range(10)])
    return images[keep], labels[keep]


def prepare(work, per_class, real_per_class):
    from PIL import Image
    images, labels = first_per_class(*load("train"), per_class)
    for c, name in enumerate(CLASSES):
        os.makedirs(os.path.join(work, "data", name), exist_ok=True)
    for i, (img, c) in enumerate(zip(images, labels)):
        Image.fromarray(img).save(os.path.join(work, "data", CLASSES[c], f"{i:05d}.png"))
    np.savez(os.path.join(work, "train.npz"), images=images, labels=labels)
    real, real_labels = first_per_class(*load("t10k"), real_per_class)
    np.savez(os.path.join(work, "real.npz"), images=real, labels=real_labels)
    print(f"prepared {len(images)} training images, {len(real)} held-out real images")


class Judge(nn.Module):
    """conv 32 - pool - conv 64 - pool - conv 128 - pool - 64 features - 10 classes."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3, padding=1)
        self.c2 = nn.Conv2d(32, 64, 3, padding=1)
        self.c3 = nn.Conv2d(64, 128, 3, padding=1)
        self.fc = nn.Linear(128 * 4 * 4, 64)
        self.out = nn.Linear(64, 10)

    def features(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = F.max_pool2d(F.relu(self.c3(x)), 2)
        return F.relu(self.fc(x.flatten(1)))

    def forward(self, x):
        return self.out(self.features(x))


def to_model(images):
    """uint8 [N, 32, 32] to the generators' range [-1, 1], [N, 1, 32, 32]."""
    return torch.from_numpy(images.astype(np.float32) / 255 * 2 - 1).unsqueeze(1)


def classifier(work, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    images, labels = load("train")
    test, test_labels = load("t10k")
    x, y = to_model(images), torch.from_numpy(labels)
    net = Judge()
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    start = time.time()
    for epoch in range(2):
        order = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            b = order[i:i + 128]
            loss = F.cross_entropy(net(x[b]), y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
    net.eval()
    with torch.no_grad():
        pred = torch.cat([net(to_model(test[i:i + 1000])).argmax(1) for i in range(0, len(test), 1000)])
    accuracy = (pred.numpy() == test_labels).mean()
    torch.save(net.state_dict(), os.path.join(work, "classifier.pt"))
    with open(os.path.join(work, "classifier.txt"), "w") as fh:
        fh.write(f"{accuracy:.4f}\n")
    print(f"judge: test accuracy {accuracy:.4f} ({time.time() - start:.0f} s)")


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif sys.argv[1] == "classifier":
        classifier(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit("usage: gan_fashion_data.py prepare WORK PER_CLASS REAL_PER_CLASS | classifier WORK THREADS")
