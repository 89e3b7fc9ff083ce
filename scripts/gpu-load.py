"""A steady PyTorch GPU load for validating joulegate's NVIDIA sensors on a real card.

Runs bf16 matrix products for a fixed wall time (validation needs a known duration, not a fixed
amount of work) and reports its FLOPs through the metrics protocol.
"""
import json
import os
import sys
import time

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
try:
    import torch
except ImportError:
    sys.exit("gpu-load.py needs PyTorch (import torch failed)")
if not torch.cuda.is_available():
    sys.exit("gpu-load.py needs a CUDA GPU")

torch.manual_seed(0)
n = 8192
a = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
b = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
metrics = os.environ.get("JOULEGATE_METRICS_FILE")
products = 0
start = time.time()
next_report = start + 5
while time.time() - start < seconds:
    for _ in range(20):
        torch.mm(a, b)
    torch.cuda.synchronize()
    products += 20
    if metrics and time.time() >= next_report:
        with open(metrics, "a") as f:
            f.write(json.dumps({"step": products, "tflops_done": 2 * n**3 * products / 1e12}) + "\n")
        next_report += 5
if metrics:
    with open(metrics, "a") as f:
        f.write(json.dumps({"step": products, "flops": 2 * n**3 * products}) + "\n")
print(f"gpu-load: {products} products of {n}x{n} bf16 in {time.time() - start:.1f} s")
