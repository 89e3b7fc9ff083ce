// The kernel model: a Gaussian-weighted, locally linear fit of the calibration points' log ratios
// in GPU-use space, with the width chosen by leave-one-out error on the points themselves. A fixed-shape
// model (one power law) stops improving after a handful of points; this one keeps learning the
// ratio's non-linear dependence on GPU use as a runner's calibration grows.

/**
 * Widths tried, as multiples of the spread of GPU use among the points. The narrow end (a few
 * percent of the spread) lets a large calibration act like nearest neighbours: with 32 points,
 * configurations of one workload family sit at nearly the same GPU use, and the closest point's
 * ratio beats any smooth curve through all of them (Zeus, 32 points: 13.6% → 10.1% on the selection
 * draws). Leave-one-out picks it only when the points support it.
 */
const WIDTH_GRID = [0.01, 0.02, 0.035, 0.05, 0.08, 0.12, 0.18, 0.25, 0.35, 0.5, 0.7, 1, 1.5, 2.5, 4]
/** The narrowest width of a smooth fit: the anchored correction needs a trend, not a step. */
const SMOOTH_MIN_WIDTH = 0.08
/**
 * Shrinkage of the local slope, in squared ln-use units per unit weight: a slope read from a few
 * nearby points that span a narrow range of GPU use (say ±20%) is mostly their noise, and
 * extrapolating it to a job outside that range is where six-point calibrations went most wrong.
 * It adds 0.05 to the weighted variance of use, so a slope over a wide, well-spread range is
 * almost untouched. Chosen on the selection draws (0, 0.01, 0.05; 0.05 was best on both datasets).
 */
const SLOPE_SHRINKAGE = 0.05
/** How much smaller the LOO error without shrinkage must be for the whole slope to be used. */
const WHOLE_SLOPE_GAIN = 0.5

interface KernelPoint {
  x: number
  y: number
}

const sd = (xs: number[]): number => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length)
}

// Locally linear, not a local mean: the ratio slopes with GPU use (a power law is a line in these
// log units), and a local mean flattens that slope at the edges of the calibrated range, where a
// different card's workloads often land. The widest width is the global log-log fit.
function predictAt(
  points: KernelPoint[],
  width: number,
  x: number,
  skip = -1,
  shrinkage = SLOPE_SHRINKAGE
): number {
  let sw = 0
  let sx = 0
  let sy = 0
  for (let i = 0; i < points.length; i++) {
    if (i === skip) continue
    // the floor keeps a far-away query defined: it falls back to the nearest points
    const w = Math.exp(-0.5 * ((points[i].x - x) / width) ** 2) + 1e-300
    sw += w
    sx += w * points[i].x
    sy += w * points[i].y
  }
  if (!(sw > 0)) return points[0].y
  const mx = sx / sw
  const my = sy / sw
  let sxx = 0
  let sxy = 0
  for (let i = 0; i < points.length; i++) {
    if (i === skip) continue
    const w = Math.exp(-0.5 * ((points[i].x - x) / width) ** 2) + 1e-300
    sxx += w * (points[i].x - mx) ** 2
    sxy += w * (points[i].x - mx) * (points[i].y - my)
  }
  // points that all sit at one GPU use carry no slope: their weighted mean is the estimate
  return sxx > 1e-12 * sw ? my + (sxy / (sxx + shrinkage * sw)) * (x - mx) : my
}

interface KernelFit {
  width: number
  shrinkage: number
}

/** The width (in use units) with the smallest mean |LOO error| at this shrinkage; ties go wider. */
function chooseKernelWidth(
  points: KernelPoint[],
  smooth: boolean,
  shrinkage: number
): { width: number; error: number } {
  const spread = sd(points.map((p) => p.x)) || 0.1
  if (points.length < 3) return { width: spread * WIDTH_GRID[WIDTH_GRID.length - 1], error: 0 }
  let best = { width: spread, error: Infinity }
  for (const factor of WIDTH_GRID.filter((f) => !smooth || f >= SMOOTH_MIN_WIDTH)) {
    const width = spread * factor
    const error =
      points.reduce(
        (s, p, i) => s + Math.abs(p.y - predictAt(points, width, p.x, i, shrinkage)),
        0
      ) / points.length
    if (error <= best.error + 1e-12) best = { width, error }
  }
  return best
}

/**
 * The width, and whether to shrink the slope: the slope is kept whole only when the points follow
 * it so closely that leave-one-out error halves without the shrinkage (a card pair whose ratio is a
 * clean power law of GPU use); on noisy points the shrinkage stays.
 */
function chooseKernelFit(points: KernelPoint[], smooth: boolean): KernelFit {
  const shrunk = chooseKernelWidth(points, smooth, SLOPE_SHRINKAGE)
  const whole = chooseKernelWidth(points, smooth, 0)
  return whole.error < WHOLE_SLOPE_GAIN * shrunk.error
    ? { width: whole.width, shrinkage: 0 }
    : { width: shrunk.width, shrinkage: SLOPE_SHRINKAGE }
}

/**
 * Fits the kernel model; the width is chosen on the training points only. `smooth` keeps the width
 * at or above SMOOTH_MIN_WIDTH: an anchored estimate uses the model only for the difference between
 * the job's and the anchor's GPU use, and a nearest-neighbour step prices that difference by
 * whichever foreign point happens to be closest (on the selection draws the anchored error rose from
 * 7.2% to 7.6% on Zeus and from 5.8% to 6.2% on ML.ENERGY without it).
 */
export function fitKernel(points: KernelPoint[], smooth = false): (x: number) => number {
  const { width, shrinkage } = chooseKernelFit(points, smooth)
  return (x) => predictAt(points, width, x, -1, shrinkage)
}
