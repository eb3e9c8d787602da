#!/usr/bin/python3
"""PyTorch side of bench/train-step.sh: builds the RRDB x4 generator, exports it to ONNX, writes
the batch, and times one Adam step (and a forward pass) on the CPU.

    /usr/bin/python3 bench/train_step_torch.py setup WORK_DIR
    /usr/bin/python3 bench/train_step_torch.py time WORK_DIR ROUND REPS WARMUP THREADS

setup writes into WORK_DIR: model.onnx (opset 17, do_constant_folding=False, static shapes),
weights.pt (the same weights, for the timing rounds), x.npy and y.npy (the batch, float32) and
torch-setup.txt. time writes torch-ROUND.txt: key=value lines, each time key followed by the raw
per-repetition times in seconds, and the loss of the first step (at the exported weights), which
the Java side must reproduce. Each round starts again from the exported weights and fresh Adam
state, as the Java side does.

The generator is ESRGAN's RRDBNet, scaled down from ESRGAN's 64 features and 23 blocks: 32 features,
2 RRDB blocks (3 residual dense blocks each, 5 convs per RDB, growth 16 channels, LeakyReLU 0.2,
residual scaling 0.2), nearest x2 upsampling twice with a conv + LeakyReLU after each, conv_hr,
conv_last: x4, 0.4 M parameters. Adam as fiji-gan's default (lr 1e-4, betas 0.5/0.999, eps 1e-8),
L1 loss (mean over all output elements).
"""

import os
import sys
import time
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH, CHANNELS, SIZE, SCALE = 4, 3, 32, 4
NF, NB, GC = 32, 2, 16


class RDB(nn.Module):
    def __init__(self, nf, gc):
        super().__init__()
        self.conv1 = nn.Conv2d(nf, gc, 3, 1, 1)
        self.conv2 = nn.Conv2d(nf + gc, gc, 3, 1, 1)
        self.conv3 = nn.Conv2d(nf + 2 * gc, gc, 3, 1, 1)
        self.conv4 = nn.Conv2d(nf + 3 * gc, gc, 3, 1, 1)
        self.conv5 = nn.Conv2d(nf + 4 * gc, nf, 3, 1, 1)
        self.act = nn.LeakyReLU(0.2)

    def forward(self, x):
        x1 = self.act(self.conv1(x))
        x2 = self.act(self.conv2(torch.cat((x, x1), 1)))
        x3 = self.act(self.conv3(torch.cat((x, x1, x2), 1)))
        x4 = self.act(self.conv4(torch.cat((x, x1, x2, x3), 1)))
        x5 = self.conv5(torch.cat((x, x1, x2, x3, x4), 1))
        return x5 * 0.2 + x


class RRDB(nn.Module):
    def __init__(self, nf, gc):
        super().__init__()
        self.rdb1, self.rdb2, self.rdb3 = RDB(nf, gc), RDB(nf, gc), RDB(nf, gc)

    def forward(self, x):
        return self.rdb3(self.rdb2(self.rdb1(x))) * 0.2 + x


class RRDBNet(nn.Module):
    def __init__(self, cin=CHANNELS, nf=NF, nb=NB, gc=GC):
        super().__init__()
        self.conv_first = nn.Conv2d(cin, nf, 3, 1, 1)
        self.body = nn.Sequential(*[RRDB(nf, gc) for _ in range(nb)])
        self.conv_body = nn.Conv2d(nf, nf, 3, 1, 1)
        self.conv_up1 = nn.Conv2d(nf, nf, 3, 1, 1)
        self.conv_up2 = nn.Conv2d(nf, nf, 3, 1, 1)
        self.conv_hr = nn.Conv2d(nf, nf, 3, 1, 1)
        self.conv_last = nn.Conv2d(nf, cin, 3, 1, 1)
        self.act = nn.LeakyReLU(0.2)

    def forward(self, x):
        fea = self.conv_first(x)
        fea = fea + self.conv_body(self.body(fea))
        fea = self.act(self.conv_up1(F.interpolate(fea, scale_factor=2, mode="nearest")))
        fea = self.act(self.conv_up2(F.interpolate(fea, scale_factor=2, mode="nearest")))
        return self.conv_last(self.act(self.conv_hr(fea)))


def setup(work):
    os.makedirs(work, exist_ok=True)
    torch.manual_seed(0)
    model = RRDBNet().eval()  # no dropout or batch norm: eval and train modes compute the same
    rng = np.random.default_rng(0)
    x = rng.random((BATCH, CHANNELS, SIZE, SIZE), dtype=np.float32)
    y = rng.random((BATCH, CHANNELS, SIZE * SCALE, SIZE * SCALE), dtype=np.float32)
    np.save(os.path.join(work, "x.npy"), x)
    np.save(os.path.join(work, "y.npy"), y)
    torch.save(model.state_dict(), os.path.join(work, "weights.pt"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's shape-inference notes on prim::Constant
        torch.onnx.export(model, torch.from_numpy(x), os.path.join(work, "model.onnx"),
                          opset_version=17, do_constant_folding=False, input_names=["input"],
                          output_names=["output"])
    with open(os.path.join(work, "torch-setup.txt"), "w") as f:
        f.write(f"torch_version={torch.__version__}\n")
        f.write(f"parameters={sum(p.numel() for p in model.parameters())}\n")
        f.write(f"model=RRDBNet nf={NF} nb={NB} gc={GC} x{SCALE}\n")


def timed(fn, warmup, reps):
    times = []
    for i in range(warmup + reps):
        t = time.perf_counter()
        fn()
        if i >= warmup:
            times.append(time.perf_counter() - t)
    return times


def time_round(work, rnd, reps, warmup, threads):
    torch.set_num_threads(threads)
    model = RRDBNet()
    model.load_state_dict(torch.load(os.path.join(work, "weights.pt")))
    xt = torch.from_numpy(np.load(os.path.join(work, "x.npy")))
    yt = torch.from_numpy(np.load(os.path.join(work, "y.npy")))

    # the training step: zero_grad, forward, L1, backward, Adam update; the first step's loss is
    # at the exported weights, later steps keep training (as the Java side does)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4, betas=(0.5, 0.999), eps=1e-8)
    first, update = [], []

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.l1_loss(model(xt), yt)
        loss.backward()
        t = time.perf_counter()
        opt.step()
        update.append(time.perf_counter() - t)  # Adam alone, inside the timed step
        if not first:
            first.append(loss.item())

    steps = timed(step, warmup, reps)
    update = update[warmup:]

    # forward + loss + backward, no update: the step less the optimizer
    def fwd_bwd():
        model.zero_grad(set_to_none=True)
        F.l1_loss(model(xt), yt).backward()

    fb = timed(fwd_bwd, warmup, reps)

    # inference: the forward pass alone, no autograd
    with torch.no_grad():
        infer = timed(lambda: model(xt), warmup, reps)

    with open(os.path.join(work, f"torch-{rnd}.txt"), "w") as f:
        f.write(f"threads={torch.get_num_threads()}\n")
        f.write(f"loss0={first[0]!r}\n")
        for name, times in (("step", steps), ("adam", update), ("fwd_bwd", fb), ("infer", infer)):
            f.write(name + "=" + " ".join(repr(t) for t in times) + "\n")


def main():
    if sys.argv[1] == "setup":
        setup(sys.argv[2])
    else:
        time_round(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))


if __name__ == "__main__":
    main()
