#!/usr/bin/env python3
"""joulegate reference suite: GPU workloads that each do a FIXED amount of work.

usage: python3 reference/gpu_suite.py WORKLOAD [--quick] [--steps N] [--list] [--check-torch]

Needs PyTorch 2.1 or newer (torch.utils.flop_counter appeared in 2.1; Debian 12 ships 1.13).
--check-torch prints the installed version and exits 0 when it is new enough, 3 when too old,
4 when PyTorch is missing: joulegate runs it before choosing the GPU suite.

Workloads span GPU use from light to saturating (see reference/manifest.json):
  crnn-b8, crnn-b32, crnn-b128  DCASE-baseline-like sound-event-detection CRNN (conv blocks +
                                bidirectional GRU) trained on synthetic 128-mel x 626-frame input
  matmul-bf16                   a stack of 8192-wide linear layers, forward + backward in bf16
  sgd-memory                    SGD-with-momentum steps over a 256 M-parameter tensor (memory-bound)

Each run appends JSON lines to the file named by JOULEGATE_METRICS_FILE (joulegate's metrics
protocol): {"flops": F, "params": P, "steps": S, ...}. flops come from
torch.utils.flop_counter.FlopCounterMode on one step, times the step count; for sgd-memory, whose
element-wise kernels the counter does not count, from the exact analytic count (4 per parameter).
Synthetic data, fixed seeds, no downloads. TF32 matmuls are allowed (torch.backends.cuda.matmul.
allow_tf32 = True), as most training code does; default scales take about 20 s each on an H100.
"""
import argparse
import json
import os
import sys
import time

# name -> (default steps, quick steps); defaults give ~21 s each on an H100 (measured with --steps 60)
WORKLOADS = {
    "crnn-b8": (1600, 5),  # 12.9 ms/step on an H100 80GB HBM3 (torch 2.11, driver 580)
    "crnn-b32": (1300, 4),  # 16.1 ms/step
    "crnn-b128": (370, 2),  # 56.5 ms/step
    "matmul-bf16": (1100, 2),  # 19.0 ms/step (12.1 TFLOP/step: ~635 TFLOP/s)
    "sgd-memory": (6500, 3),  # 3.2 ms/step
}


def emit(record):
    path = os.environ.get("JOULEGATE_METRICS_FILE")
    line = json.dumps(record)
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")
    print(line, flush=True)


# torch.utils.flop_counter.FlopCounterMode, which counts each workload's FLOPs, is new in 2.1
MIN_TORCH = (2, 1)
EXIT_TORCH_OLD = 3
EXIT_TORCH_MISSING = 4


def parse_version(text):
    """(major, minor) of a version such as "2.1.0+cu121" or "1.13.1"; None when unreadable."""
    parts = str(text).split("+")[0].split(".")
    try:
        return int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    except ValueError:
        return None


def check_torch():
    """(exit status, one-line message): 0 when PyTorch is present and new enough."""
    try:
        import torch
    except ImportError:
        return EXIT_TORCH_MISSING, ("gpu_suite: PyTorch is not installed (pip install 'torch>=2.1'); "
                                    "use the CPU suite (joulegate workload cpu-all) on runners without it")
    version = getattr(torch, "__version__", "unknown")
    parsed = parse_version(version)
    if parsed is None or parsed < MIN_TORCH:
        need = ".".join(map(str, MIN_TORCH))
        return EXIT_TORCH_OLD, (f"gpu_suite: PyTorch {version} is too old: the GPU suite needs {need} or newer "
                                f"(torch.utils.flop_counter); upgrade it or calibrate with the CPU suite")
    return 0, f"gpu_suite: PyTorch {version}"


def import_torch():
    status, message = check_torch()
    if status != 0:
        print(message, file=sys.stderr)
        sys.exit(status)
    import torch
    return torch


def build_crnn(torch, n_mels=128):
    nn = torch.nn

    class CRNN(nn.Module):
        """The DCASE Task 4 baseline's shape: 7 conv blocks, 2-layer BiGRU, frame-wise sigmoid."""

        def __init__(self, n_classes=10):
            super().__init__()
            chans = [1, 16, 32, 64, 128, 128, 128, 128]
            pools = [(2, 2), (2, 2), (1, 2), (1, 2), (1, 2), (1, 2), (1, 2)]
            layers = []
            for i, pool in enumerate(pools):
                layers += [nn.Conv2d(chans[i], chans[i + 1], 3, padding=1), nn.BatchNorm2d(chans[i + 1]),
                           nn.ReLU(), nn.Dropout(0.5), nn.AvgPool2d(pool)]
            self.cnn = nn.Sequential(*layers)
            self.rnn = nn.GRU(128, 128, num_layers=2, batch_first=True, bidirectional=True)
            self.head = nn.Linear(256, n_classes)

        def forward(self, x):  # x: (batch, 1, frames, mels)
            h = self.cnn(x)  # (batch, 128, frames/4, 1)
            h = h.squeeze(-1).transpose(1, 2)
            h, _ = self.rnn(h)
            return torch.sigmoid(self.head(h))

    return CRNN()


def make_step(torch, name, device, quick):
    """Returns (step function, params, one-step flops counted by FlopCounterMode or None)."""
    gen = torch.Generator(device="cpu").manual_seed(1234)
    if name.startswith("crnn-"):
        batch = int(name.split("-b")[1])
        frames = 156 if quick and device.type == "cpu" else 626
        model = build_crnn(torch).to(device)
        x = torch.randn(batch, 1, frames, 128, generator=gen).to(device)
        y = (torch.rand(batch, frames // 4, 10, generator=gen) > 0.8).float().to(device)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = torch.nn.BCELoss()

        def step():
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
        return step, sum(p.numel() for p in model.parameters()), None
    if name == "matmul-bf16":
        width = 1024 if quick and device.type == "cpu" else 8192
        dtype = torch.bfloat16
        model = torch.nn.Sequential(*[torch.nn.Linear(width, width, bias=False) for _ in range(4)]).to(device, dtype)
        x = torch.randn(width, width, generator=gen).to(device, dtype)

        def step():
            model.zero_grad(set_to_none=True)
            model(x).float().square().mean().backward()
        return step, sum(p.numel() for p in model.parameters()), None
    if name == "sgd-memory":
        numel = (1 << 20) if quick and device.type == "cpu" else (256 << 20)
        param = torch.nn.Parameter(torch.randn(numel, generator=gen).to(device))
        param.grad = torch.randn(numel, generator=gen).to(device) * 1e-3
        opt = torch.optim.SGD([param], lr=1e-3, momentum=0.9)
        opt.step()  # creates the momentum buffer outside the measured work

        def step():
            opt.step()
        # momentum: buf = m*buf + g (2 flops), param -= lr*buf (2 flops)
        return step, numel, 4 * numel
    raise SystemExit(f"gpu_suite: unknown workload {name!r}; expected one of {', '.join(WORKLOADS)}")


def count_flops(torch, step):
    from torch.utils.flop_counter import FlopCounterMode
    counter = FlopCounterMode(display=False)
    with counter:
        step()
    return counter.get_total_flops()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workload", nargs="?")
    parser.add_argument("--quick", action="store_true", help="a few steps, for tests")
    parser.add_argument("--steps", type=int, help="override the step count")
    parser.add_argument("--list", action="store_true", help="print the workload names")
    parser.add_argument("--check-torch", action="store_true", help="check the PyTorch version and exit")
    args = parser.parse_args()
    if args.check_torch:
        status, message = check_torch()
        print(message, file=sys.stderr if status else sys.stdout)
        return status
    if args.list or args.workload is None:
        print("\n".join(WORKLOADS))
        return 0 if args.list else 2
    if args.workload not in WORKLOADS:
        sys.exit(f"gpu_suite: unknown workload {args.workload!r}; expected one of {', '.join(WORKLOADS)}")
    torch = import_torch()
    torch.manual_seed(1234)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    torch.backends.cudnn.benchmark = False
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cpu":
        print("gpu_suite: no CUDA device; running on the CPU (figures are not GPU calibration)", file=sys.stderr)
    default_steps, quick_steps = WORKLOADS[args.workload]
    steps = args.steps or (quick_steps if args.quick else default_steps)
    if steps < 1:
        sys.exit("gpu_suite: --steps must be >= 1")
    step, params, analytic = make_step(torch, args.workload, device, args.quick)
    counted = count_flops(torch, step)  # also the warm-up step (not part of the fixed work)
    per_step = counted if counted > 0 else analytic
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    elapsed = time.perf_counter() - start
    emit({"flops": float(per_step * steps), "params": int(params), "steps": steps,
          "flops_counted_by": "FlopCounterMode" if counted > 0 else "analytic",
          "workload": args.workload, "device": str(torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu"),
          "seconds": round(elapsed, 3)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
