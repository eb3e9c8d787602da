#!/usr/bin/python3
"""PyTorch side of bench/run-all.sh (figures 1, 2, 4 and 6 of bench/README.md): builds the two models, exports
them to ONNX, and times PyTorch CPU inference of the SR model on a 512x512 input.

    /usr/bin/python3 bench/pipeline_torch.py setup WORK_DIR
    /usr/bin/python3 bench/pipeline_torch.py time WORK_DIR ROUND REPS WARMUP THREADS

setup writes into WORK_DIR:
- sr.onnx: ESRGAN's RRDBNet as in bench/train_step_torch.py (same class), scaled down to run a
  1024x1024 grey image x4 on 2 cores in seconds: 1 channel, 16 features, 1 RRDB block, growth 8,
  nearest x2 twice (x4). Opset 17, dynamic batch, height and width. sr.pt holds its weights.
- denoise.onnx: a small residual-free denoiser, 3 convs (1 -> 16 -> 16 -> 1, 3x3, ReLU), dynamic
  batch, height and width. Its weights are seeded; what it computes is irrelevant to the timing.
- x512.npy: the [1, 1, 512, 512] float32 input that both sides of figure 2 run on.
- torch-setup.txt.
time writes torch-ROUND.txt: key=value lines, the raw per-repetition times in seconds.
"""

import os
import sys
import time
import warnings

import numpy as np
import torch
import torch.nn as nn

sys.dont_write_bytecode = True  # no bench/__pycache__ in the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_step_torch import RRDBNet  # noqa: E402  (the figure-3 architecture, same code)

SR = dict(cin=1, nf=16, nb=1, gc=8)


class SmallDenoiser(nn.Module):
    def __init__(self, f=16):
        super().__init__()
        self.c1 = nn.Conv2d(1, f, 3, 1, 1)
        self.c2 = nn.Conv2d(f, f, 3, 1, 1)
        self.c3 = nn.Conv2d(f, 1, 3, 1, 1)

    def forward(self, x):
        return self.c3(torch.relu(self.c2(torch.relu(self.c1(x)))))


def export(model, x, path):
    axes = {0: "n", 2: "h", 3: "w"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, x, path, opset_version=17, input_names=["input"],
                          output_names=["output"],
                          dynamic_axes={"input": axes, "output": axes})


def setup(work):
    os.makedirs(work, exist_ok=True)
    torch.manual_seed(0)
    sr = RRDBNet(**SR).eval()
    torch.save(sr.state_dict(), os.path.join(work, "sr.pt"))
    export(sr, torch.rand(1, 1, 64, 64), os.path.join(work, "sr.onnx"))
    dn = SmallDenoiser().eval()
    export(dn, torch.rand(1, 1, 64, 64), os.path.join(work, "denoise.onnx"))
    x = np.random.default_rng(0).random((1, 1, 512, 512), dtype=np.float32)
    np.save(os.path.join(work, "x512.npy"), x)
    with open(os.path.join(work, "torch-setup.txt"), "w") as f:
        f.write(f"torch_version={torch.__version__}\n")
        f.write(f"sr_parameters={sum(p.numel() for p in sr.parameters())}\n")
        f.write(f"sr_model=RRDBNet cin=1 nf={SR['nf']} nb={SR['nb']} gc={SR['gc']} x4\n")
        f.write(f"denoise_parameters={sum(p.numel() for p in dn.parameters())}\n")


def time_round(work, rnd, reps, warmup, threads):
    torch.set_num_threads(threads)
    sr = RRDBNet(**SR).eval()
    sr.load_state_dict(torch.load(os.path.join(work, "sr.pt")))
    x = torch.from_numpy(np.load(os.path.join(work, "x512.npy")))
    times = []
    with torch.no_grad():
        for i in range(warmup + reps):
            t = time.perf_counter()
            y = sr(x)
            if i >= warmup:
                times.append(time.perf_counter() - t)
    with open(os.path.join(work, f"torch-{rnd}.txt"), "w") as f:
        f.write(f"threads={torch.get_num_threads()}\n")
        f.write(f"output_shape={list(y.shape)}\n")
        f.write("sr512=" + ",".join(f"{v:.6f}" for v in times) + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup(sys.argv[2])
    else:
        w, r, reps, warm, th = sys.argv[2:7]
        time_round(w, r, int(reps), int(warm), int(th))
