#!/usr/bin/python3
"""Report of bench/train-step.sh: reads the rounds that train_step_torch.py and TrainStepBench
wrote into WORK_DIR and prints one table (PyTorch and fiji-gan side by side, with the ratio) and,
when the step graph was profiled, where its time goes.

    /usr/bin/python3 bench/train_step_report.py WORK_DIR

Samples of all rounds are pooled: median and min-max are over every repetition of every round.
The ratio is fiji-gan / PyTorch of the pooled medians; the ratio of the minima and the per-round
ratios of medians are given too, since the two sides run one after the other on a shared machine.
"""

import glob
import json
import os
import platform
import statistics
import subprocess
import sys


def read(path):
    d = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                d[k] = v
    return d


def samples(d, key):
    return [float(v) for v in d[key].split()] if key in d else []


def cell(ts):
    if not ts:
        return "-"
    return f"{statistics.median(ts) * 1e3:.1f} ms ({min(ts) * 1e3:.1f}-{max(ts) * 1e3:.1f})"


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    work = sys.argv[1]
    setup = read(os.path.join(work, "torch-setup.txt"))
    rounds = sorted(int(os.path.basename(p)[5:-4]) for p in glob.glob(os.path.join(work, "java-*.txt")))
    torch_r = [read(os.path.join(work, f"torch-{r}.txt")) for r in rounds]
    java_r = [read(os.path.join(work, f"java-{r}.txt")) for r in rounds]

    def pooled(side, key):
        return [t for d in side for t in samples(d, key)]

    j0, t0 = java_r[0], torch_r[0]
    reps = len(samples(j0, "step"))
    print(f"Training step, RRDB x4 generator ({setup['model']}, {setup['parameters']} parameters), "
          f"batch 4, 3x32x32 -> 3x128x128, Adam, L1 loss")
    print(f"machine: {os.cpu_count()} cores, {cpu_model()}; {j0['threads']} threads on both sides; "
          f"PyTorch {setup['torch_version']}, ONNX Runtime {j0['ort_version']} (Java)")
    print(f"{len(rounds)} rounds x {reps} repetitions (after warm-up), the two sides alternating; "
          "median (min-max) over all repetitions")
    print()
    rows = [
        ("training step (forward, L1, backward, Adam)", "step", "step"),
        ("forward + L1 + backward, no update", "fwd_bwd", None),
        ("forward + L1, weights as graph inputs", None, "forward_as_inputs"),
        ("inference: forward, weights as initializers", "infer", "infer"),
    ]
    w = 46
    print(f"| {'':{w}} | {'PyTorch CPU':26} | {'fiji-gan (ORT Java)':26} | ratio fiji-gan / PyTorch |")
    print(f"|{'-' * (w + 2)}|{'-' * 28}|{'-' * 28}|--------------------------|")
    for label, tk, jk in rows:
        ts = pooled(torch_r, tk) if tk else []
        js = pooled(java_r, jk) if jk else []
        ratio = "-"
        if ts and js:
            per_round = [statistics.median(samples(j, jk)) / statistics.median(samples(t, tk))
                         for t, j in zip(torch_r, java_r)]
            ratio = (f"{statistics.median(js) / statistics.median(ts):.2f} "
                     f"(min/min {min(js) / min(ts):.2f}; rounds "
                     + ", ".join(f"{r:.2f}" for r in per_round) + ")")
        print(f"| {label:{w}} | {cell(ts):26} | {cell(js):26} | {ratio} |")
    builds = [float(d["build"]) for d in java_r]
    sessions = [float(d["session"]) for d in java_r]
    print(f"| {'step graph build, once (StepGraph.generatorStep)':{w}} | {'-':26} | "
          f"{cell(builds):26} | - |")
    print(f"| {'step session creation, once':{w}} | {'-':26} | {cell(sessions):26} | - |")
    print()
    lt, lj = float(t0["loss0"]), float(j0["loss0"])
    print(f"same model and batch: first-step L1 loss PyTorch {lt:.7f}, fiji-gan {lj:.7f} "
          f"(relative difference {abs(lt - lj) / abs(lt):.1e}); step graph {j0['step_nodes']} "
          f"nodes from a {j0['forward_nodes']}-node forward graph")
    tfb = statistics.median(pooled(torch_r, "fwd_bwd"))
    tinf, tadam = statistics.median(pooled(torch_r, "infer")), statistics.median(pooled(torch_r, "adam"))
    jstep, jfwd = statistics.median(pooled(java_r, "step")), statistics.median(pooled(java_r, "forward_as_inputs"))
    print(f"split (medians): PyTorch forward {tinf * 1e3:.0f} ms (no autograd), forward + backward "
          f"{tfb * 1e3:.0f} ms, Adam update {tadam * 1e3:.1f} ms (timed inside the step); fiji-gan "
          f"forward + loss with weights as inputs {jfwd * 1e3:.0f} ms, so backward + update ~"
          f"{(jstep - jfwd) * 1e3:.0f} ms (the profile below splits them)")

    trace_file = os.path.join(work, "profile-trace.txt")
    if os.path.exists(trace_file):
        profile(work, open(trace_file).read().strip())


def profile(work, trace):
    nodes = {}
    with open(os.path.join(work, "profile-nodes.tsv")) as f:
        for line in f:
            name, op, phase = line.rstrip("\n").split("\t")
            nodes[name] = phase
    names = sorted(nodes, key=len, reverse=True)
    events = json.load(open(trace))
    runs = [e for e in events if e.get("name") == "model_run"]
    runs = runs[1:]  # the first run is the warm-up
    kernels = [e for e in events if e.get("cat") == "Node" and e["name"].endswith("_kernel_time")]

    def phase_of(node):
        if node in nodes:
            return nodes[node]
        for n in names:  # ORT's fused nodes keep the original name as a prefix
            if node.startswith(n):
                return nodes[n]
        return "inserted by ORT"

    by_phase, by_op, by_node, shapes = {}, {}, {}, {}
    total = 0.0
    for e in kernels:
        if not any(r["ts"] <= e["ts"] <= r["ts"] + r["dur"] for r in runs):
            continue
        ms = e["dur"] / 1e3 / len(runs)
        node = e["name"][: -len("_kernel_time")]
        op = e["args"].get("op_name", "?")
        ph = phase_of(node)
        total += ms
        by_phase[ph] = by_phase.get(ph, 0) + ms
        by_op[(ph, op)] = by_op.get((ph, op), 0) + ms
        by_node[(ph, op, node)] = by_node.get((ph, op, node), 0) + ms
        shapes[node] = e["args"].get("input_type_shape")
    run_ms = statistics.mean(r["dur"] for r in runs) / 1e3
    print()
    print(f"ONNX Runtime profile of the step graph ({len(runs)} runs after a warm-up; profiling "
          f"itself slows the run): {run_ms:.0f} ms per run, {total:.0f} ms of it in kernels")
    print("  by phase:")
    for ph, ms in sorted(by_phase.items(), key=lambda kv: -kv[1]):
        print(f"    {ph:40} {ms:8.1f} ms {100 * ms / total:5.1f}%")
    print("  by phase and operator (>= 1%):")
    for (ph, op), ms in sorted(by_op.items(), key=lambda kv: -kv[1]):
        if ms >= 0.01 * total:
            print(f"    {ph + ' / ' + op:40} {ms:8.1f} ms {100 * ms / total:5.1f}%")
    print("  slowest nodes:")
    for (ph, op, node), ms in sorted(by_node.items(), key=lambda kv: -kv[1])[:12]:
        ins = " x ".join(str(list(d.values())[0]) for d in (shapes[node] or []))
        print(f"    {ms:7.1f} ms  {ph:14} {op:14} {node[:28]:28} in {ins}")


if __name__ == "__main__":
    main()
