#!/usr/bin/env python3
"""Exports the RRDB x4 generator of train_step_torch.py (PyTorch, seeded, untrained) to ONNX with
dynamic height and width, as a third-party exporter would: opset 17, constant folding on. For the
cold-path benchmark (bench/cold-path.sh), when no RRDB model is given.

usage: rrdb_export.py OUT.onnx
"""

import sys
import warnings

import torch

sys.path.insert(0, __import__("os").path.dirname(__file__))
from train_step_torch import RRDBNet  # noqa: E402


def main(out):
    torch.manual_seed(0)
    model = RRDBNet().eval()
    x = torch.zeros(1, 3, 64, 64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, x, out, opset_version=17, do_constant_folding=True,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {2: "h", 3: "w"}, "output": {2: "H", 3: "W"}})


if __name__ == "__main__":
    main(sys.argv[1])
