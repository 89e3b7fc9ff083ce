#!/usr/bin/env bash
# The one prepared device check for a real NVIDIA GPU (see docs/sensors.md). It needs node (carried
# as .device/node.xz when the machine has none), python3 with PyTorch, and writes into $OUT:
#   capture.tar.gz     real nvidia-smi answers (help, query, loop, unknown field, -L) + NVML helper
#   measure-gpu.json   `measure` around a >= 30 s PyTorch load, NVML counter with nvidia-smi cross-check
#   h100.calibration.json   the GPU reference suite, 3 runs each (reference/h100.calibration.json)
#   log.txt            everything printed
set -uo pipefail
OUT=${OUT:-gpu-validate-out}
mkdir -p "$OUT"
exec > >(tee "$OUT/log.txt") 2>&1
if ! command -v node >/dev/null && [ -f .device/node.xz ]; then
  mkdir -p /tmp/nodebin && xz -dc .device/node.xz > /tmp/nodebin/node && chmod +x /tmp/nodebin/node
  export PATH=/tmp/nodebin:$PATH
fi
echo "== node $(node --version); $(nvidia-smi --query-gpu=name,driver_version,power.limit --format=csv,noheader)"
cap=$(mktemp -d)
sh __tests__/fixtures/nvidia-smi/capture-real.sh "$cap" >/dev/null 2>&1
nvidia-smi -q -d POWER > "$cap/q-power.txt" 2>&1
tar -czf "$OUT/capture.tar.gz" -C "$cap" .
echo "== capture done"; cat "$cap/nvml-helper.jsonl" | head -5
echo "== measure: NVML counter vs nvidia-smi integration around a 30 s load"
JOULEGATE_CROSS_CHECK=1 node dist/cli.js measure --idle-s 5 --out "$OUT/measure-gpu.json" -- python3 scripts/gpu-load.py 30
node -e '
const m = require(process.argv[1]);
const g = m.components.filter(c => c.kind === "gpu"), x = (m.crossChecks || []).filter(c => c.kind === "gpu");
const e = g.reduce((s, c) => s + c.energyJ, 0), ex = x.reduce((s, c) => s + c.energyJ, 0);
console.log(`gpu ${g.map(c => c.source + "/" + c.method).join(",")}: ${e.toFixed(1)} J; cross-check ${x.map(c => c.source).join(",")}: ${ex.toFixed(1)} J; difference ${ex ? ((ex - e) / e * 100).toFixed(2) : "n/a"}%`);
' "$OUT/measure-gpu.json"
echo "== calibrate: GPU reference suite"
node dist/cli.js calibrate --suite gpu --runs 3 --cooldown-s 2 --idle-s 10 --no-store --out "$OUT/h100.calibration.json"
echo "== done"
