#!/usr/bin/python3
"""Report of bench/gan-step-ops.sh: where a GAN step's time goes, op by op, in fiji-gan (ONNX
Runtime's profiler) and in PyTorch (its autograd profiler), side by side.

    /usr/bin/python3 bench/gan_step_ops_report.py WORK WARMUP

fiji-gan: WORK/fiji-profile holds, per session, the step graph (NNN-training-step.onnx) and its
trace (NNN-training-step_DATE.json). The discriminator's step graph is the one named
"discriminator-step"; the generator's is the other one with a loss. The first WARMUP runs of each
session are left out. A node's phase comes from the step graph's data flow: forward (everything
the loss depends on, the loss included), update (everything that depends on Adam's state inputs
train/m/... and train/v/...), gradient (the rest). Nodes that ONNX Runtime's optimizer fused keep
the name of a graph node as a prefix and take its phase; nodes it added (layout transposes,
NCHWc reorders) are "added by ORT". Time is the node's kernel time; "executor" is each run's time
outside its kernels; "between runs" is the time from one generator run's start to the next less
both runs: the Java side of a step (batch, EMA, swapping buffers).

PyTorch: WORK/torch-ops.tsv (gan_fashion_torch.py train ... profile=WARMUP): self CPU time per
op and phase. "outside ops" is a phase's wall time less its ops' self time (Python).
"""

import collections
import glob
import json
import os
import sys

import onnx

PHASE_ORDER = ("forward", "gradient", "update", "added by ORT", "executor", "other")

# kinds of op: ONNX op types, and PyTorch's aten ops without their "aten::"
KINDS = [
    ("convolution", {"Conv", "FusedConv", "ConvTranspose"}),
    ("matrix product", {"MatMul", "FusedMatMul", "Gemm", "mm", "addmm", "bmm", "matmul", "linear"}),
    ("reduction", {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceL2", "sum", "mean", "norm",
                   "linalg_vector_norm", "var"}),
    ("nearest upsampling", {"Resize", "Upsample"}),
    ("copies, slices, layout", {
        "Slice", "Pad", "Transpose", "Reshape", "Concat", "Expand", "Identity", "Gather", "Squeeze",
        "Unsqueeze", "Cast", "Shape", "Tile", "ReorderInput", "ReorderOutput", "Flatten",
        "copy_", "clone", "cat", "slice", "index", "pad", "constant_pad_nd", "contiguous", "view",
        "reshape", "permute", "expand", "t", "transpose", "select", "unsqueeze", "squeeze", "empty",
        "zeros", "resize_", "as_strided", "stack", "embedding", "index_select", "fill_", "zero_",
        "_unsafe_view", "detach", "alias", "to", "_to_copy", "ones", "full", "index_put_",
        "_reshape_alias", "empty_like", "zeros_like", "ones_like", "expand_as", "narrow", "unbind",
        "split", "gather", "scatter", "embedding_backward", "embedding_dense_backward",
        "sum_to_size", "new_zeros", "new_empty", "empty_strided", "lift", "_index_put_impl_",
        "index_add_", "detach_"}),
]


def category(op):
    """The kind of an ONNX op type or a PyTorch op: one of KINDS, element-wise, or PyTorch's own
    autograd and optimizer functions."""
    aten = op.startswith("aten::")
    name = op[len("aten::"):] if aten else op
    if aten and "conv" in name:
        return "convolution"
    if aten and "upsample" in name:
        return "nearest upsampling"
    for kind, ops in KINDS:
        if name in ops:
            return kind
    if aten or (name.isalnum() and not name.endswith(("Backward0", "Backward1"))):
        return "element-wise"  # Add, Mul, Where, LeakyRelu, Sum, ...; aten::add, aten::mul, ...
    return "autograd, optimizer (PyTorch)"


def phases_of(model):
    nodes = list(model.graph.node)
    producer = {o: i for i, n in enumerate(nodes) for o in n.output}
    consumers = collections.defaultdict(list)
    for i, n in enumerate(nodes):
        for x in n.input:
            consumers[x].append(i)
    forward, todo = set(), ["train/loss"]
    while todo:
        i = producer.get(todo.pop())
        if i is not None and i not in forward:
            forward.add(i)
            todo.extend(nodes[i].input)
    update = set()
    todo = [x.name for x in model.graph.input if x.name.startswith(("train/m/", "train/v/"))]
    while todo:
        for i in consumers.get(todo.pop(), ()):
            if i not in update:
                update.add(i)
                todo.extend(nodes[i].output)
    phase = ["forward" if i in forward else "update" if i in update else "gradient"
             for i in range(len(nodes))]
    return [n.name for n in nodes], phase


def fiji_session(onnx_file, warmup):
    names, phase = phases_of(onnx.load(onnx_file))
    by_name = {}
    for n, p in zip(names, phase):
        by_name.setdefault(n, p)
    long_first = sorted((n for n in by_name if n), key=len, reverse=True)
    trace = glob.glob(onnx_file[:-len(".onnx")] + "_*.json")[0]
    events = json.load(open(trace))
    runs = sorted((e for e in events if e.get("name") == "model_run"), key=lambda e: e["ts"])
    counted = runs[warmup:]
    ops = collections.defaultdict(lambda: [0.0, 0])  # (phase, op) -> [us, calls]
    kernel = 0.0
    r = 0
    for e in sorted((e for e in events if e.get("cat") == "Node" and e["name"].endswith("_kernel_time")),
                    key=lambda e: e["ts"]):
        while r < len(counted) and e["ts"] > counted[r]["ts"] + counted[r]["dur"]:
            r += 1
        if r == len(counted) or e["ts"] < counted[r]["ts"]:
            continue
        node = e["name"][:-len("_kernel_time")]
        index = int(e["args"].get("node_index", -1))
        if 0 <= index < len(names) and names[index] == node:
            p = phase[index]
        elif node in by_name:
            p = by_name[node]
        else:
            p = next((by_name[n] for n in long_first if node.startswith(n + "/")), "added by ORT")
        o = ops[(p, e["args"].get("op_name", "?"))]
        o[0] += e["dur"]
        o[1] += 1
        kernel += e["dur"]
    run_us = sum(x["dur"] for x in counted)
    ops[("executor", "outside kernels")] = [run_us - kernel, len(counted)]
    return {"ops": ops, "steps": len(counted), "total": run_us, "runs": counted}


def torch_side(work):
    steps, wall, ops = 0, {}, collections.defaultdict(lambda: [0.0, 0])
    for line in open(os.path.join(work, "torch-ops.tsv")):
        f = line.rstrip("\n").split("\t")
        if f[0] == "steps":
            steps = int(f[1])
        elif f[0] == "wall":
            wall[f[1]] = float(f[2])
        else:
            ops[(f[1], f[2])] = [float(f[3]), int(f[4])]
    sides = {}
    for who in ("G", "D"):
        o = collections.defaultdict(lambda: [0.0, 0])
        total = 0.0
        for ph, name in (("forward", "forward"), ("gradient", "backward"), ("update", "update")):
            region = f"{who} {name}"
            inside = 0.0
            for (reg, op), (us, n) in ops.items():
                if reg == region:
                    o[(ph, op)][0] += us
                    o[(ph, op)][1] += n
                    inside += us
            o[("other", "outside ops (Python)")][0] += wall.get(region, 0) - inside
            o[("other", "outside ops (Python)")][1] = steps
            total += wall.get(region, 0)
        sides[who] = {"ops": o, "steps": steps, "total": total}
    rest = wall.get("step", 0) - sum(s["total"] for s in sides.values())
    return sides, steps, wall.get("step", 0), rest


def summary(side, key):
    """ms per step and calls per step, by key(phase, op)."""
    out = collections.defaultdict(lambda: [0.0, 0.0])
    for (ph, op), (us, n) in side["ops"].items():
        k = key(ph, op)
        out[k][0] += us / 1e3 / side["steps"]
        out[k][1] += n / side["steps"]
    return out


def table(title, fiji, torch_, key, order=None, limit=None):
    f, t = summary(fiji, key), summary(torch_, key)
    ft, tt = fiji["total"] / 1e3 / fiji["steps"], torch_["total"] / 1e3 / torch_["steps"]
    keys = sorted(set(f) | set(t), key=lambda k: (order.index(k) if order and k in order else 99,
                                                  -max(f.get(k, [0])[0], t.get(k, [0])[0])))
    print(f"**{title}** (fiji-gan {ft:.1f} ms, PyTorch {tt:.1f} ms a step; ratio {ft / tt:.2f}x)")
    print()
    print("| | fiji-gan ms | share | calls | PyTorch ms | share | calls |")
    print("|---|---|---|---|---|---|---|")
    for k in keys:
        a, b = f.get(k, [0, 0]), t.get(k, [0, 0])
        if limit and (a[0] < limit * ft and b[0] < limit * tt):
            continue
        label = " / ".join(k) if isinstance(k, tuple) else k
        cell = lambda v, tot: (f"{v[0]:.1f} | {100 * v[0] / tot:.0f}% | {v[1]:.0f}" if v[1] else "- | - | -")
        print(f"| {label} | {cell(a, ft)} | {cell(b, tt)} |")
    print()


def main():
    work, warmup = sys.argv[1], int(sys.argv[2])
    graphs = {}
    for f in sorted(glob.glob(os.path.join(work, "fiji-profile", "*.onnx"))):
        m = onnx.load(f, load_external_data=False)
        if any(o.name == "train/loss" for o in m.graph.output):
            graphs["D" if m.graph.name == "discriminator-step" else "G"] = f
    fiji = {who: fiji_session(graphs[who], warmup) for who in ("G", "D")}
    torch_sides, torch_steps, torch_step_us, torch_rest = torch_side(work)
    g_runs = fiji["G"]["runs"]
    period = [(b["ts"] - a["ts"]) for a, b in zip(g_runs, g_runs[1:])]
    fiji_period = sum(period) / len(period) / 1e3
    fg, fd = (fiji[w]["total"] / 1e3 / fiji[w]["steps"] for w in ("G", "D"))
    tg, td = (torch_sides[w]["total"] / 1e3 / torch_steps for w in ("G", "D"))
    print(f"GAN step, the recipe of bench/gan-fashion.sh without its stabilisers; {fiji['G']['steps']} "
          f"fiji-gan and {torch_steps} PyTorch steps after {warmup} warm-up steps, one thread a side, "
          f"profilers on. Times are ms per G+D step.")
    print()
    print("| | fiji-gan | PyTorch | ratio |")
    print("|---|---|---|---|")
    print(f"| whole step (wall, G run to G run / PyTorch's step) | {fiji_period:.1f} | "
          f"{torch_step_us / 1e3 / torch_steps:.1f} | {fiji_period / (torch_step_us / 1e3 / torch_steps):.2f}x |")
    print(f"| generator step | {fg:.1f} | {tg:.1f} | {fg / tg:.2f}x |")
    print(f"| discriminator step | {fd:.1f} | {td:.1f} | {fd / td:.2f}x |")
    print(f"| between: batch, EMA, hand-over | {fiji_period - fg - fd:.1f} | "
          f"{torch_rest / 1e3 / torch_steps:.1f} | |")
    print()
    for who, name in (("G", "Generator step"), ("D", "Discriminator step")):
        table(f"{name} by phase", fiji[who], torch_sides[who], lambda ph, op: ph, list(PHASE_ORDER))
        table(f"{name} by kind of op", fiji[who], torch_sides[who],
              lambda ph, op: op if ph in ("executor", "other") else category(op))
        table(f"{name}: phase / op, each >= 1% of either side's step", fiji[who], torch_sides[who],
              lambda ph, op: (ph, op), list(PHASE_ORDER), 0.01)
    print(", ".join(line.strip() for line in open(os.path.join(work, "load.txt")))
          if os.path.exists(os.path.join(work, "load.txt")) else "")


if __name__ == "__main__":
    main()
