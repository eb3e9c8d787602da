#!/usr/bin/python3
"""PyTorch side of bench/gan-fashion.sh (a benchmark, not a test): the same GAN, the same initial
weights, the same stabilisers and hyper-parameters as `fiji-gan fine-tune`, in PyTorch.

  check WORK
      The generator (fiji-gan's `create-model --arch dcgan`, loaded from its ONNX file) and the
      discriminator (fiji-gan's SNGAN with spectral norm, loaded from the weights and vectors u that
      GanFashionBench export-d wrote) compute what fiji-gan computes: the images of the initial
      generator for WORK/check-z.npy against ONNX Runtime's (WORK/check-fiji.npy), the logits of the
      initial discriminator against fiji-gan's graph. Prints the largest differences; exits 1 above
      1e-4.
  train WORK STEPS THREADS SEED key=value...
      Trains, as fiji-gan's Trainer does, step by step: the generator's step (hinge loss -D(T(G(z, y)))
      through the discriminator as it is, sigma from the stored u without a power iteration, and the
      augmentation T), then the discriminator's step on the real batch and that generated batch (hinge
      loss, one power iteration, each batch its own augmentation), then the EMA of the generator with
      the warm-up min(decay, (1 + t) / (10 + t)). Writes the EMA generator's weights to
      WORK/torch-g.npz and the CPU seconds of the training loop (time.process_time) to
      WORK/torch-cpu.txt. Options besides the recipe's: spectral_norm=0 (the discriminator's weights
      as they are), discriminator=FOLDER (under WORK, default d; d-plain is the one without the
      minibatch standard deviation), profile=K (steps K+1 on run under PyTorch's profiler, each
      phase of a step in its own record_function, and WORK/torch-ops.tsv gets each phase's self
      CPU time per op; see profile_report).
  sample WORK Z.npy LABELS.npy OUT.npy
      The trained PyTorch generator's images.

The stabilisers are written from their definitions (see docs/fine-tuning.md): spectral norm with one
power iteration per discriminator step; DiffAugment's brightness, contrast (saturation is an
identity on one channel), translation by up to 1/8 of the side with zero fill, cutout of half the
side; the minibatch standard deviation over groups of 4. Random draws (batches, latents,
augmentation) come from PyTorch's own generator, seeded: the two sides draw from the same
distributions, not the same numbers.
"""

import contextlib
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

CLASSES = 10


# ---- the generator: fiji-gan's dcgan architecture, weights from its ONNX file ----

def load_generator(onnx_file):
    import onnx
    from onnx import numpy_helper
    m = onnx.load(onnx_file)
    return {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in m.graph.initializer
            if t.data_type == onnx.TensorProto.FLOAT and t.name.endswith(("weight", "bias", "embed"))}


def pixel_norm(x):
    return x / ((x * x).mean(1, keepdim=True) + 1e-8).sqrt()


def generate(g, z, y):
    h = z @ g["dense.weight"] + g["dense.bias"] + g["embed"][y]
    x = F.leaky_relu(pixel_norm(h.reshape(len(z), -1, 4, 4)), 0.2)
    i = 0
    while f"stage{i}.weight" in g:
        x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = F.leaky_relu(pixel_norm(F.conv2d(x, g[f"stage{i}.weight"], g[f"stage{i}.bias"], padding=1)), 0.2)
        i += 1
    return torch.tanh(F.conv2d(x, g["to_image.weight"], g["to_image.bias"], padding=1))


# ---- the discriminator: fiji-gan's sngan architecture, weights exported by fiji-gan ----

def load_discriminator(folder):
    d, u = {}, {}
    for line in open(os.path.join(folder, "index.txt")):
        number, name = line.strip().split("\t")
        d[name] = torch.from_numpy(np.load(os.path.join(folder, number + ".npy")))
        if os.path.exists(os.path.join(folder, "u-" + number + ".npy")):
            u[name] = torch.from_numpy(np.load(os.path.join(folder, "u-" + number + ".npy")))
    return d, u


def normalize(x):
    return x / x.norm().clamp_min(1e-12)


def spectral(d, u, iterate):
    """The weights a step uses: W / sigma with v = normalize(W^T u) (and u = normalize(W v) when
    iterating), u and v constants; updates u in place when iterating."""
    used = dict(d)
    for name, vec in u.items():
        w = d[name]
        m = w.reshape(w.shape[0], -1)
        with torch.no_grad():
            v = normalize(m.t() @ vec)
            if iterate:
                vec.copy_(normalize(m @ v))
        used[name] = w / (vec @ m @ v)
    return used


def minibatch_std(x):
    n, c, h, w = x.shape
    g = next(k for k in (4, 3, 2, 1) if n % k == 0)
    y = x.reshape(g, n // g, c, h, w)
    s = (y.var(0, unbiased=False) + 1e-8).sqrt().mean(dim=(1, 2, 3))
    return torch.cat([x, s.reshape(1, -1, 1, 1, 1).expand(g, n // g, 1, h, w).reshape(n, 1, h, w)], 1)


def discriminate(w, x, y, mbstd):
    l = 0
    while f"D/stage{l}a.w" in w:
        x = F.leaky_relu(F.conv2d(x, w[f"D/stage{l}a.w"], w[f"D/stage{l}a.b"], padding=1), 0.1)
        x = F.leaky_relu(F.conv2d(x, w[f"D/stage{l}b.w"], w[f"D/stage{l}b.b"], stride=2, padding=1), 0.1)
        l += 1
    if mbstd:
        x = minibatch_std(x)
    x = F.leaky_relu(F.conv2d(x, w["D/final.w"], w["D/final.b"], padding=1), 0.1)
    phi = x.sum(dim=(2, 3))
    logit = (phi @ w["D/linear.w"].t() + w["D/linear.b"]).reshape(-1)
    return logit + (w["D/embed"][y] * phi).sum(1)


# ---- DiffAugment ----

def augment(x, policy, gen):
    n, c, h, w = x.shape
    if "color" in policy:
        x = x + (torch.rand(n, 1, 1, 1, generator=gen) - 0.5)
        if c > 1:
            m = x.mean(1, keepdim=True)
            x = (x - m) * (torch.rand(n, 1, 1, 1, generator=gen) * 2) + m
        m = x.mean(dim=(1, 2, 3), keepdim=True)
        x = (x - m) * (torch.rand(n, 1, 1, 1, generator=gen) + 0.5) + m
    if "translation" in policy:
        sh, sw = round(h / 8), round(w / 8)
        dy = torch.randint(-sh, sh + 1, (n,), generator=gen)
        dx = torch.randint(-sw, sw + 1, (n,), generator=gen)
        padded = F.pad(x, [sw, sw, sh, sh])
        rows = torch.arange(h)[None, :] + dy[:, None] + sh  # [n, h]
        cols = torch.arange(w)[None, :] + dx[:, None] + sw  # [n, w]
        x = padded[torch.arange(n)[:, None, None], :, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2)
    if "cutout" in policy:
        ch, cw = round(h / 2), round(w / 2)
        cy = torch.randint(0, h, (n, 1), generator=gen) - ch // 2
        cx = torch.randint(0, w, (n, 1), generator=gen) - cw // 2
        ys, xs = torch.arange(h)[None, :], torch.arange(w)[None, :]
        inside = ((ys >= cy) & (ys < cy + ch))[:, :, None] & ((xs >= cx) & (xs < cx + cw))[:, None, :]
        x = x * (~inside).to(x.dtype)[:, None]
    return x


# ---- commands ----

def check(work):
    g = load_generator(os.path.join(work, "g.onnx"))
    z = torch.from_numpy(np.load(os.path.join(work, "check-z.npy")))
    y = torch.from_numpy(np.load(os.path.join(work, "check-labels.npy")))
    with torch.no_grad():
        mine = generate(g, z, y).numpy()
    theirs = np.load(os.path.join(work, "check-fiji.npy"))
    g_diff = np.abs(mine - theirs).max()
    d, u = load_discriminator(os.path.join(work, "d"))
    with torch.no_grad():
        used = spectral(d, u, False)
        x = torch.from_numpy(np.load(os.path.join(work, "d", "check-x.npy")))
        labels = torch.from_numpy(np.load(os.path.join(work, "d", "check-labels.npy")))
        logits = discriminate(used, x, labels, os.environ.get("MBSTD", "1") == "1").numpy()
    d_diff = np.abs(logits - np.load(os.path.join(work, "d", "check-logits.npy"))).max()
    print(f"initial weights: generator images differ by at most {g_diff:.2e}, discriminator logits by "
          f"{d_diff:.2e} (of {np.abs(logits).max():.2f})")
    with open(os.path.join(work, "check.txt"), "w") as fh:
        fh.write(f"{g_diff:.2e} {d_diff:.2e}\n")
    if not (g_diff < 1e-4 and d_diff < 1e-4 * max(1, np.abs(logits).max())):
        sys.exit(1)


def train(work, steps, threads, seed, opts):
    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(seed)
    data = np.load(os.path.join(work, "train.npz"))
    real_all = torch.from_numpy(data["images"].astype(np.float32) / 255 * 2 - 1).unsqueeze(1)
    labels_all = torch.from_numpy(data["labels"])
    batch, latent = int(opts["batch"]), int(opts["latent"])
    policy = opts["diff_augment"].split(",")
    mbstd = opts["minibatch_std"] == "1"
    g = load_generator(os.path.join(work, "g.onnx"))
    d, u = load_discriminator(os.path.join(work, opts.get("discriminator", "d")))
    if opts.get("spectral_norm", "1") != "1":
        u = {}  # the weights as they are
    for p in list(g.values()) + list(d.values()):
        p.requires_grad_(True)
    betas = tuple(float(b) for b in opts["adam_betas"].split(","))
    g_opt = torch.optim.Adam(g.values(), float(opts["lr"]), betas, eps=1e-8)
    d_opt = torch.optim.Adam(d.values(), float(opts["d_lr"]), betas, eps=1e-8)
    ema = {k: v.detach().clone() for k, v in g.items()}
    decay = float(opts["ema"])
    log = open(os.path.join(work, "torch-loss.csv"), "w")
    log.write("step,g_loss,d_loss\n")
    profile_from = int(opts.get("profile", -1))
    prof = torch.autograd.profiler.profile() if profile_from >= 0 else None

    def phase(name):  # a record_function while profiling
        return torch.autograd.profiler.record_function(name) if prof else contextlib.nullcontext()

    start = time.process_time()
    wall = time.time()
    for step in range(steps):
        if step == profile_from:
            prof.__enter__()
        with phase("step"):
            idx = torch.randint(0, len(real_all), (batch,), generator=gen)
            real, y = real_all[idx], labels_all[idx]
            z = torch.randn(batch, latent, generator=gen)
            # the generator's step, through the discriminator as it is (no gradients for its
            # weights)
            for p in d.values():
                p.requires_grad_(False)
            with phase("G forward"):
                fake = generate(g, z, y)
                used = spectral(d, u, False)
                g_loss = -discriminate(used, augment(fake, policy, gen), y, mbstd).mean()
            with phase("G backward"):
                g_opt.zero_grad(set_to_none=True)
                g_loss.backward()
            with phase("G update"):
                g_opt.step()
            # the discriminator's step on the real batch and that generated batch
            for p in d.values():
                p.requires_grad_(True)
            with phase("D forward"):
                used = spectral(d, u, True)
                d_loss = F.relu(1 - discriminate(used, augment(real, policy, gen), y, mbstd)).mean() + \
                    F.relu(1 + discriminate(used, augment(fake.detach(), policy, gen), y, mbstd)).mean()
            with phase("D backward"):
                d_opt.zero_grad(set_to_none=True)
                d_loss.backward()
            with phase("D update"):
                d_opt.step()
            beta = min(decay, (1 + step) / (10 + step))
            with phase("EMA"), torch.no_grad():
                for k, v in g.items():
                    ema[k].mul_(beta).add_(v, alpha=1 - beta)
        log.write(f"{step + 1},{g_loss.item():.6f},{d_loss.item():.6f}\n")
        if (step + 1) % 100 == 0:
            log.flush()
            print(f"torch step {step + 1}/{steps}: G {g_loss.item():.4f} D {d_loss.item():.4f} "
                  f"({time.process_time() - start:.0f} CPU s, {time.time() - wall:.0f} s)", flush=True)
    cpu = time.process_time() - start  # before the profiler's own processing
    if prof:
        prof.__exit__(None, None, None)
        profile_report(prof, steps - profile_from, os.path.join(work, "torch-ops.tsv"))
    np.savez(os.path.join(work, "torch-g.npz"), **{k: v.numpy() for k, v in ema.items()})
    with open(os.path.join(work, "torch-cpu.txt"), "w") as fh:
        fh.write(f"{cpu:.3f} {steps}\n")
    print(f"torch: {steps} steps, {cpu:.1f} CPU s ({cpu / steps:.3f} per step)")


PHASES = ("G forward", "G backward", "G update", "D forward", "D backward", "D update", "EMA")


def profile_report(prof, steps, path):
    """Writes PATH: per phase, its wall time (the record_function's, summed) and per op its self
    CPU time and count, over STEPS profiled steps. An op belongs to the innermost phase it ran in
    (autograd runs a CPU backward on the calling thread, so backward ops are inside "backward");
    ops of a step outside any phase go to "other"."""
    names = set(PHASES) | {"step"}
    wall, ops = {}, {}
    for e in prof.function_events:
        if e.name in names:
            wall[e.name] = wall.get(e.name, 0) + (e.time_range.end - e.time_range.start)
            continue
        p = e.cpu_parent
        while p is not None and p.name not in names:
            p = p.cpu_parent
        if p is None:
            continue  # the profiler's own events between steps
        ph = "other" if p.name == "step" else p.name
        t, n = ops.get((ph, e.name), (0, 0))
        ops[(ph, e.name)] = (t + e.self_cpu_time_total, n + 1)
    with open(path, "w") as fh:
        fh.write(f"steps\t{steps}\n")
        for name, us in wall.items():
            fh.write(f"wall\t{name}\t{us:.1f}\n")
        for (ph, op), (us, n) in sorted(ops.items()):
            fh.write(f"op\t{ph}\t{op}\t{us:.1f}\t{n}\n")


def sample(work, z_file, labels_file, out):
    g = {k: torch.from_numpy(v) for k, v in np.load(os.path.join(work, "torch-g.npz")).items()}
    z, y = torch.from_numpy(np.load(z_file)), torch.from_numpy(np.load(labels_file))
    with torch.no_grad():
        np.save(out, generate(g, z, y).numpy())


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "check":
        check(sys.argv[2])
    elif cmd == "train":
        train(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]),
              dict(a.split("=", 1) for a in sys.argv[6:]))
    elif cmd == "sample":
        sample(*sys.argv[2:6])
    else:
        sys.exit("usage: gan_fashion_torch.py check WORK | train WORK STEPS THREADS SEED k=v... | sample ...")
