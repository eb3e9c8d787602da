#!/usr/bin/python3
"""Prints the tables of bench/run-all.sh from the key=value files in WORK_DIR (see PipelineBench).

    /usr/bin/python3 bench/pipeline_report.py WORK_DIR THREADS
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
            k, _, v = line.rstrip("\n").partition("=")
            d[k] = v
    return d


def times(s):
    return [float(x) for x in s.split(",") if x]


def ms(v):
    return f"{v * 1000:.0f} ms" if v < 10 else f"{v:.1f} s"


def cell(t):
    return f"{ms(statistics.median(t))} ({ms(min(t))}-{ms(max(t))})"


def ratio(a, b):
    return statistics.median(a) / statistics.median(b)


def paired(a, b):
    """Ratios of the repetitions that ran next to each other: median (min-max)."""
    r = [x / y for x, y in zip(a, b)]
    return f"{statistics.median(r):.2f} ({min(r):.2f}-{max(r):.2f})"


def main(work, threads):
    cpu = open(os.path.join(work, "cpu.txt")).read().strip()
    setup = read(os.path.join(work, "torch-setup.txt"))
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"Machine: {os.cpu_count()} cores, {cpu}; {java}; PyTorch {setup['torch_version']}; "
          f"{threads} intra-op threads unless stated.")
    print(f"SR model: {setup['sr_model']}, {setup['sr_parameters']} parameters; "
          f"denoiser: 3 convs 1-16-16-1, {setup['denoise_parameters']} parameters.\n")

    o = read(os.path.join(work, "overhead.txt"))
    raw = times(o["raw"])
    print(f"Figure 1: pipeline overhead, SR x4 on 1024x1024 16-bit -> 4096x4096 "
          f"({len(raw)} runs each, taking turns; default tiling: {o['tiled_plan']})\n")
    print("| variant | time | ratio to raw (median) | ratio (min/min) | ratio per repetition | goal |")
    print("|---|---|---|---|---|---|")
    print(f"| raw `OrtSession.run`, pre-normalised tensor | {cell(raw)} | 1 | 1 | 1 | - |")
    t = times(o["session"])
    print(f"| `ModelSession.run` from a heap `float[]` (copies in and out) | {cell(t)} | "
          f"{ratio(t, raw):.2f} | {min(t) / min(raw):.2f} | {paired(t, raw)} | - |")
    for k, name, goal in (("untiled", "pipeline, `--tile none`", 1.10),
                          ("tiled", "pipeline, default tiling", 1.25)):
        t = times(o[k])
        r = ratio(t, raw)
        rm = min(t) / min(raw)
        print(f"| {name} | {cell(t)} | **{r:.2f}** | {rm:.2f} | {paired(t, raw)} | "
              f"<= {goal:.2f}: median {'holds' if r <= goal else 'not met'}, "
              f"min/min {'holds' if rm <= goal else 'not met'} |")

    rounds = sorted(glob.glob(os.path.join(work, "java-*.txt")))
    tt, jr, jp, per = [], [], [], []
    for jf in rounds:
        rnd = jf.rsplit("-", 1)[1][:-4]
        t = times(read(os.path.join(work, f"torch-{rnd}.txt"))["sr512"])
        j = read(jf)
        tt += t
        jr += times(j["raw512"])
        jp += times(j["plugin512"])
        per.append(f"{ratio(times(j['plugin512']), t):.2f}")
    print(f"\nFigure 2: against PyTorch CPU inference, same SR model, 512x512 -> 2048x2048, "
          f"{threads} threads ({len(rounds)} rounds x {len(tt) // max(1, len(rounds))}, "
          "taking turns)\n")
    print("| | time | ratio to PyTorch (median) | ratio (min/min) |")
    print("|---|---|---|---|")
    print(f"| PyTorch `no_grad` forward | {cell(tt)} | 1 | 1 |")
    print(f"| fiji-gan raw `OrtSession.run` | {cell(jr)} | {ratio(jr, tt):.2f} | "
          f"{min(jr) / min(tt):.2f} |")
    rp = ratio(jp, tt)
    print(f"| fiji-gan pipeline (16-bit image, default options) | {cell(jp)} | **{rp:.2f}** "
          f"(rounds {', '.join(per)}) | {min(jp) / min(tt):.2f} |")
    print(f"\nGoal ratio < 0.8: {'holds' if rp < 0.8 else 'not met'}.")

    print("\nFigure 3: fine-tune step against PyTorch: bench/train-step.sh, see bench/README.md.")

    print("\nFigure 4: scaling, denoiser, 16-bit, default options, one JVM per size with -Xmx2g\n")
    print("| size | plan | time | s per MP (median) | heap: input image | heap in use, peak "
          "(live after GC, peak) | peak RSS |")
    print("|---|---|---|---|---|---|---|")
    for mp in (1, 4, 16, 64):
        f = os.path.join(work, f"scaling-{mp}.txt")
        if not os.path.exists(f):
            print(f"| {mp} MP | failed | | | | | |")
            continue
        s = read(f)
        t = times(s["time"])
        print(f"| {mp} MP ({s['side']}x{s['side']}) | {s['plan']} | {cell(t)} | "
              f"{statistics.median(t) / mp:.3f} | {s['heap_with_input_mb']} MB | "
              f"{s['heap_peak_mb']} MB ({s['heap_live_peak_mb']} MB) | {s['rss_peak_mb']} MB |")
    cli = os.path.join(work, "cli64.txt")
    if os.path.exists(cli):
        lines = open(cli).read().splitlines()
        val = {l.split(": ", 1)[0].strip(): l.split(": ", 1)[1] for l in lines if ": " in l}
        rc = [l for l in lines if l.startswith("cli64_rc=")]
        ok = rc and rc[0] == "cli64_rc=0"
        print(f"\n`JAVA_OPTS=-Xmx2g ./fiji-gan denoise` on the 64 MP 16-bit TIFF (read, run, write): "
              f"{'ran' if ok else 'FAILED (' + (rc[0] if rc else '?') + ')'} in "
              f"{val.get('Elapsed (wall clock) time (h:mm:ss or m:ss)', '?')}, peak RSS "
              f"{int(val.get('Maximum resident set size (kbytes)', '0')) // 1024} MB.")
        if not ok:
            print("    " + "\n    ".join(l for l in lines if l.startswith("fiji-gan")))

    print("\nFigure 5: start-up, `./fiji-gan denoise` on a 256x256 image, cold JVM each run\n")
    print("| command | time | goal |")
    print("|---|---|---|")
    hf = os.path.join(work, "startup.json")
    if os.path.exists(hf):
        res = json.load(open(hf))["results"]
        rows = [(r["command"], r["times"]) for r in res]
    else:
        rows = [(n, [int(x) / 1e9 for x in open(os.path.join(work, f"startup-{n}.txt"))])
                for n in ("floor", "start")]
    for i, (cmd, t) in enumerate(rows):
        name = "JVM alone (`java -version`)" if i == 0 else "`./fiji-gan denoise ...`"
        goal = "" if i == 0 else ("< 2 s: holds" if statistics.median(t) < 2 else "< 2 s: not met")
        print(f"| {name} | {cell(t)} | {goal} |")

    th = read(os.path.join(work, "threads.txt"))
    base = times(th["t2_batch"])
    print("\nFigure 6: threads and batching, denoiser on 2048x2048 16-bit (taking turns)\n")
    print("| threads | tiles per run | plan | time | ratio to 2 threads, batch (median; min/min; "
          "per repetition) |")
    print("|---|---|---|---|---|")
    for t in (1, 2):
        for v, name in (("batch", "batch (up to 16)"), ("single", "1"),
                        ("auto", "default window")):
            k = f"t{t}_{v}"
            tk = times(th[k])
            print(f"| {t} | {name} | {th[k + '_plan']} | {cell(tk)} | "
                  f"{ratio(tk, base):.2f}; {min(tk) / min(base):.2f}; {paired(tk, base)} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "2")
