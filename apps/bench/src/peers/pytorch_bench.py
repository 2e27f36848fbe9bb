#!/usr/bin/python3
"""PyTorch peer of the torchlet bench (run by peers/pytorch.ts, never on its own).

Reads one request as JSON on stdin: {"library", "cases": [CaseSpec...], "budget"}, the same
cases and time budget torchlet ran. Answers with JSON lines on file descriptor 3:
library info, progress, and for each case the raw latency samples (ms) so that the parent
summarises them with the same statistics as every other library. Every shape, value and
hyper-parameter mirrors src/plan.ts (SHAPES) and src/data.ts (pattern, seeds).
"""
import ctypes
import gc
import json
import os
import re
import sys
import time
import warnings

CHANNEL = os.fdopen(3, "w")

# Mirrors SHAPES in src/plan.ts and SEEDS in src/data.ts.
SEED_CHAIN = 1000
MLP = [784, 256, 256, 10]
INFERENCE_BATCH = 64
TRAIN_BATCH = 128
TRAIN_LR = 0.01
REGRESSION = {"points": 3, "epochs": 100, "lr": 0.01, "initWeight": 0.5, "initBias": 0.0, "slope": 2.0, "intercept": 0.0}
SEED_INPUT, SEED_TARGET, SEED_MAT_A, SEED_MAT_B = 1, 2, 3, 4


def emit(msg):
    CHANNEL.write(json.dumps(msg) + "\n")
    CHANNEL.flush()


def library_info(status, version="", backend="", threads=0, thread_source="", notes=()):
    return {
        "id": "pytorch",
        "name": "PyTorch",
        "version": version,
        "backend": backend,
        "threads": threads,
        "threadSource": thread_source,
        "status": status,
        "notes": list(notes),
        "memory": {
            "process": "RSS growth after gc.collect() and malloc_trim(0)",
            "tensors": "output + tensors saved for backward (saved_tensors_hooks), new storage only",
        },
    }


def blas_in_use():
    """Which BLAS shared library the process has loaded, named by its kind, with its path."""
    paths = sorted({line.split()[-1] for line in open("/proc/self/maps") if ".so" in line})
    found = []
    for p in paths:
        low = p.lower()
        if "openblas" in low:
            found.append(("OpenBLAS", p))
        elif "mkl" in os.path.basename(low) and "mkldnn" not in low:
            found.append(("Intel MKL", p))
        elif "blis" in low:
            found.append(("BLIS", p))
        elif "atlas" in low:
            found.append(("ATLAS", p))
        elif re.search(r"/blas/libblas\.so", low) or os.path.basename(low).startswith("libblas.so"):
            # Debian's alternative in .../blas/ is the netlib reference implementation.
            found.append(("reference BLAS (netlib)", p))
    return found


def pattern(torch, n, seed, scale=1.0):
    """scale * sin(0.7 i + seed) in float64, rounded to float32: data.ts's pattern()."""
    i = torch.arange(n, dtype=torch.float64)
    return (scale * torch.sin(0.7 * i + seed)).to(torch.float32)


def round_budget(budget, r):
    """Round r's share of the budget, as roundBudget() in measure.ts: warm-up only in round 0."""
    return {
        "warmupMs": budget["warmupMs"] if r == 0 else 0,
        "warmupSamples": budget["warmupSamples"] if r == 0 else 0,
        "timeMs": budget["timeMs"] / budget["rounds"],
        "minSamples": max(1, -(-budget["minSamples"] // budget["rounds"])),
    }


def time_task(fn, budget, before_each=None):
    """Warm-up (if any), then samples until both the time budget and the sample minimum are met."""
    gc.collect()
    start, n = time.perf_counter(), 0
    while n < budget["warmupSamples"] or (time.perf_counter() - start) * 1000 < budget["warmupMs"]:
        if before_each:
            before_each()
        fn()
        n += 1
    samples, total = [], 0.0
    while len(samples) < budget["minSamples"] or total < budget["timeMs"]:
        if before_each:
            before_each()
        t0 = time.perf_counter()
        fn()
        dt = (time.perf_counter() - t0) * 1000.0
        samples.append(dt)
        total += dt
    return samples


LIBC = ctypes.CDLL("libc.so.6")
PAGE = os.sysconf("SC_PAGE_SIZE")


def settle():
    """Collects, then hands freed malloc memory back to the OS so RSS growth means new memory."""
    gc.collect()
    LIBC.malloc_trim(0)


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def retained(torch, make, copies, repeats=3):
    """As measure.ts: one warm-up reading, then the median of `repeats` readings of each figure."""
    runs = [retained_once(torch, make, copies) for _ in range(repeats + 1)][1:]
    median = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731 - repeats is odd
    return {"processBytes": median([r[0] for r in runs]), "tensorBytes": median([r[1] for r in runs]), "copies": copies}


def retained_once(torch, make, copies):
    """Per copy: RSS growth, and new tensor storage kept alive (outputs + saved for backward)."""
    with warnings.catch_warnings():  # walking every object touches deprecated torch attributes
        warnings.simplefilter("ignore")
        existing = {o.storage().data_ptr() for o in gc.get_objects() if isinstance(o, torch.Tensor)}
    storages = {}

    def note(t):
        s = t.storage()
        storages[s.data_ptr()] = s.nbytes()

    def pack(t):
        note(t)
        return t

    keep = [None] * copies  # allocated before the first reading, so it is not counted
    settle()  # after the walk above, so its garbage is not counted as freed
    before = rss()
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        for i in range(copies):
            keep[i] = make()
    settle()
    after = rss()
    for out in keep:
        note(out)
    new_bytes = sum(b for ptr, b in storages.items() if ptr not in existing)
    del keep
    return (after - before) / copies, new_bytes / copies


def build_mlp(torch):
    layers = []
    for k in range(len(MLP) - 1):
        fan_in, fan_out = MLP[k], MLP[k + 1]
        lin = torch.nn.Linear(fan_in, fan_out)
        bound = 1 / fan_in ** 0.5
        with torch.no_grad():
            lin.weight.copy_(pattern(torch, fan_out * fan_in, 10 + 2 * k, bound).reshape(fan_out, fan_in))
            lin.bias.copy_(pattern(torch, fan_out, 11 + 2 * k, bound))
        layers.append(lin)
        if k < len(MLP) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def mlp_input(torch, batch):
    return pattern(torch, batch * MLP[0], SEED_INPUT).reshape(batch, MLP[0])


def mode_ctx(torch, mode):
    import contextlib
    return {"grad": contextlib.nullcontext, "noGrad": torch.no_grad, "inferenceMode": torch.inference_mode}[mode]()


def in_mode(torch, mode, fn):
    def run():
        with mode_ctx(torch, mode):
            return fn()
    return run


def seed_loop(torch):
    def chain(x):
        for _ in range(SEED_CHAIN):
            x = x.add(1)
        return x

    leaf = lambda: torch.tensor(1.0, requires_grad=True)  # noqa: E731
    plain = torch.tensor(1.0)

    def task(c):
        phase, mode = c["phase"], c["mode"]
        if phase == "forward":
            start = (lambda: plain) if mode == "inferenceMode" else leaf
            return {"run": in_mode(torch, mode, lambda: chain(start()))}
        if phase == "forward+backward":
            return {"run": lambda: chain(leaf()).backward()}
        if phase == "backward":
            holder = {}

            def build():
                holder["y"] = chain(leaf())

            return {"before_each": build, "run": lambda: holder["y"].backward()}
        return None

    return task


def mlp_inference(torch):
    model = build_mlp(torch)
    x = mlp_input(torch, INFERENCE_BATCH)
    return lambda c: {"run": in_mode(torch, c["mode"], lambda: model(x))} if c["phase"] == "forward" else None


def train_step(torch):
    model = build_mlp(torch)
    x = mlp_input(torch, TRAIN_BATCH)
    target = pattern(torch, TRAIN_BATCH * MLP[-1], SEED_TARGET).reshape(TRAIN_BATCH, MLP[-1])
    loss_fn = torch.nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=TRAIN_LR)

    def step():
        optimizer.zero_grad(set_to_none=True)  # torchlet's default; PyTorch 1.13 defaults to zeroing
        loss = loss_fn(model(x), target)
        loss.backward()
        optimizer.step()
        return loss

    def task(c):
        if c["phase"] == "step":
            return {"run": step}
        if c["phase"] == "forward+loss":
            return {"run": in_mode(torch, c["mode"], lambda: loss_fn(model(x), target))}
        return None

    return task


def matmul(torch):
    def task(c):
        n = c["size"]
        grad = c["mode"] == "grad"
        a = pattern(torch, n * n, SEED_MAT_A).reshape(n, n).requires_grad_(grad)
        b = pattern(torch, n * n, SEED_MAT_B).reshape(n, n).requires_grad_(grad)
        return {"run": in_mode(torch, c["mode"], lambda: a @ b)}

    return task


def regression(torch):
    cfg = REGRESSION
    pts = cfg["points"]
    x = torch.arange(1, pts + 1, dtype=torch.float32)  # x = 1, 2, 3 (data.ts's regressionData)
    y = (cfg["slope"] * x.to(torch.float64) + cfg["intercept"]).to(torch.float32)
    x, y = x.reshape(pts, 1), y.reshape(pts, 1)
    model = torch.nn.Linear(1, 1)
    loss_fn = torch.nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg["lr"])

    def reset():
        with torch.no_grad():
            model.weight.fill_(cfg["initWeight"])
            model.bias.fill_(cfg["initBias"])

    def train():
        loss = None
        for _ in range(cfg["epochs"]):
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
        return loss

    def task(c):
        if c["phase"] == "train":
            return {"before_each": reset, "run": train, "check": lambda: (reset(), train().item())[1]}
        if c["phase"] == "forward+loss":
            reset()
            return {"run": in_mode(torch, c["mode"], lambda: loss_fn(model(x), y))}
        return None

    return task


WORKLOADS = {"seed-loop": seed_loop, "mlp-inference": mlp_inference, "train-step": train_step, "matmul": matmul, "regression": regression}


def main():
    request = json.load(sys.stdin)
    try:
        import torch
    except Exception as e:  # noqa: BLE001 - any import failure means the peer is unavailable
        emit({"type": "library", "info": library_info("skipped", notes=[f"`import torch` failed under {sys.executable}: {e}"])})
        emit({"type": "done"})
        return

    torch.ones(8, 8) @ torch.ones(8, 8)  # make sure the BLAS is loaded before looking for it
    blas = blas_in_use()
    config = torch.__config__.show()
    blas_info = re.search(r"BLAS_INFO=(\w+)", config)
    notes = [f"BLAS loaded: {kind} ({path})" for kind, path in blas] or ["no BLAS shared library found in the process"]
    if blas_info:
        notes.append(f"torch built with BLAS_INFO={blas_info.group(1)}")
    notes.append(f"MKL-DNN (oneDNN) enabled: {torch.backends.mkldnn.is_available()}")
    notes.append(f"python {sys.version.split()[0]} ({sys.executable})")
    emit({
        "type": "library",
        "info": library_info(
            "ok",
            version=torch.__version__,
            backend="CPU, " + (blas[0][0] if blas else "no BLAS"),
            threads=torch.get_num_threads(),
            thread_source=f"torch.get_num_threads(), intra-op; inter-op {torch.get_num_interop_threads()}",
            notes=notes,
        ),
    })

    built = {}
    groups = {}  # the grad modes of one workload, size and phase: timed interleaved (measure.ts)
    for c in request["cases"]:
        groups.setdefault((c["workload"], c["size"], c["phase"]), []).append(c)
    budget = request["budget"]
    for group in groups.values():
        runs = []
        for c in group:
            w = c["workload"]
            if w not in built:
                built[w] = WORKLOADS[w](torch)
            task = built[w](c)
            if task is not None:
                runs.append((c, task, []))
        for r in range(budget["rounds"]):
            for i in [(k + r) % len(runs) for k in range(len(runs))]:
                c, task, samples = runs[i]
                emit({"type": "progress", "caseId": c["id"], "stage": "time"})
                samples.extend(time_task(task["run"], round_budget(budget, r), task.get("before_each")))
        for c, task, samples in runs:
            memory = None
            if c["memoryCopies"] > 0:
                emit({"type": "progress", "caseId": c["id"], "stage": "memory"})
                memory = retained(torch, task["run"], c["memoryCopies"])
            check = task["check"]() if "check" in task else None
            emit({"type": "samples", "caseId": c["id"], "samples": samples, "memory": memory, "check": check})
    emit({"type": "done"})


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - reported to the parent, then a non-zero exit
        emit({"type": "error", "message": f"{type(e).__name__}: {e}"})
        raise
