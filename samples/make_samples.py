#!/usr/bin/env python3
"""Writes the sample images used by the README's quick start, from a fixed seed.

cells.png        256x256 8-bit: a synthetic fluorescence-like field of blurred blobs (clean)
cells-noisy.png  the same with Gaussian noise, sigma 25 (on 0-255)
hole-mask.png    256x256 8-bit mask: 255 marks pixels to inpaint, 0 the rest

Pure standard library (zlib PNG writer), so it runs anywhere Python 3 does.
"""
import math
import random
import struct
import zlib

W = H = 256


def png(path, pixels):
    raw = b"".join(b"\x00" + bytes(pixels[y * W:(y + 1) * W]) for y in range(H))

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 0, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def main():
    rnd = random.Random(2026)
    field = [20.0 + 10.0 * math.sin(x / 40.0) * math.cos(y / 55.0) for y in range(H) for x in range(W)]
    for _ in range(45):
        cx, cy = rnd.uniform(0, W), rnd.uniform(0, H)
        rx, ry = rnd.uniform(6, 16), rnd.uniform(6, 16)
        peak = rnd.uniform(90, 200)
        for y in range(max(0, int(cy - 3 * ry)), min(H, int(cy + 3 * ry) + 1)):
            for x in range(max(0, int(cx - 3 * rx)), min(W, int(cx + 3 * rx) + 1)):
                d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2
                field[y * W + x] += peak * math.exp(-d * d)
    clean = [max(0, min(255, round(v))) for v in field]
    noisy = [max(0, min(255, round(v + rnd.gauss(0, 25)))) for v in field]
    mask = [0] * (W * H)
    for y in range(H):
        for x in range(W):
            if (x - 150) ** 2 + (y - 100) ** 2 < 18 ** 2 or (40 <= x < 90 and 180 <= y < 190):
                mask[y * W + x] = 255
    png("cells.png", clean)
    png("cells-noisy.png", noisy)
    png("hole-mask.png", mask)


if __name__ == "__main__":
    main()
