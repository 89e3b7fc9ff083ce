// The demo's embedded training job: a real (small) MLP trained by SGD on a seeded synthetic task,
// reporting through the metrics protocol like any training script would. Its cost scales with
// --hidden and --epochs, so a "costlier variant" really does cost more energy.
import { appendFileSync } from 'node:fs'
import { createRng } from '../core/random.js'

interface TinyTrainerOptions {
  hidden: number
  epochs: number
  samples: number
  features: number
  seed: number
  metricsFile: string | null
}

function makeData(o: TinyTrainerOptions, rng: () => number) {
  const x = new Float64Array(o.samples * o.features)
  const y = new Uint8Array(o.samples)
  for (let i = 0; i < o.samples; i++) {
    let score = 0
    for (let j = 0; j < o.features; j++) {
      const v = rng() * 2 - 1
      x[i * o.features + j] = v
      score += j % 2 === 0 ? Math.sin(3 * v) : v * v - 0.33
    }
    y[i] = score > 0 ? 1 : 0
  }
  return { x, y }
}

export function runTinyTrainer(o: TinyTrainerOptions): { accuracy: number; params: number } {
  const rng = createRng(o.seed)
  const { x, y } = makeData(o, rng)
  const { features: F, hidden: H } = o
  const w1 = Float64Array.from({ length: F * H }, () => (rng() * 2 - 1) / Math.sqrt(F))
  const b1 = new Float64Array(H)
  const w2 = Float64Array.from({ length: H }, () => (rng() * 2 - 1) / Math.sqrt(H))
  let b2 = 0
  const params = F * H + H + H + 1
  const train = Math.floor(o.samples * 0.8)
  const report = (values: Record<string, number>): void => {
    if (o.metricsFile) appendFileSync(o.metricsFile, `${JSON.stringify(values)}\n`)
  }
  // forward + backward of one sample, counted as multiply-adds
  report({ params, flops: 2 * 3 * (F * H + H) * train * o.epochs })
  const h = new Float64Array(H)
  const forward = (i: number): number => {
    let out = b2
    for (let k = 0; k < H; k++) {
      let a = b1[k]!
      for (let j = 0; j < F; j++) a += w1[j * H + k]! * x[i * F + j]!
      h[k] = a > 0 ? a : 0
      out += w2[k]! * h[k]!
    }
    return 1 / (1 + Math.exp(-out))
  }
  let accuracy = 0
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const lr = 0.05 / Math.sqrt(epoch)
    for (let i = 0; i < train; i++) {
      const g = forward(i) - y[i]!
      for (let k = 0; k < H; k++) {
        if (h[k]! > 0) {
          const gk = g * w2[k]!
          for (let j = 0; j < F; j++) w1[j * H + k]! -= lr * gk * x[i * F + j]!
          b1[k]! -= lr * gk
        }
        w2[k]! -= lr * g * h[k]!
      }
      b2 -= lr * g
    }
    let correct = 0
    let loss = 0
    for (let i = train; i < o.samples; i++) {
      const p = Math.min(Math.max(forward(i), 1e-9), 1 - 1e-9)
      correct += (p > 0.5 ? 1 : 0) === y[i] ? 1 : 0
      loss -= y[i] ? Math.log(p) : Math.log(1 - p)
    }
    accuracy = correct / (o.samples - train)
    report({ epoch, accuracy: round(accuracy), val_loss: round(loss / (o.samples - train)) })
  }
  return { accuracy, params }
}

const round = (v: number): number => Math.round(v * 1e4) / 1e4
