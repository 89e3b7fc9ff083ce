// Which sensor readings are physically possible for the device that gave them (pure). A GPU that
// reports 100 MW, or an energy counter that jumps by more than the device could draw in the time
// between two readings, is a fault of the sensor (a firmware glitch, a counter reset, a garbled
// line), not energy; counting it would turn one bad reading into a confident fail or pass.

/** A GPU never draws more than its power limit by this factor (brief excursions stay well under). */
const POWER_LIMIT_MARGIN = 1.5

/** Without a known power limit, no single accelerator board draws more than this (W). */
const MAX_BOARD_POWER_W = 3000

/** No CPU package or its DRAM zone draws more than this (W), twice RAPL_ASSUMED_MAX_W. */
export const MAX_RAPL_ZONE_POWER_W = 1000

/**
 * Counters publish their energy in bursts (every ~1 ms on Intel, up to a second on some firmware),
 * so a step may hold this much more time than lies between our two readings (s).
 */
const COUNTER_STEP_SLACK_S = 1

/** The highest power a GPU with this limit can plausibly report (W). */
export function computeMaxPlausiblePowerW(powerLimitW: number | null | undefined): number {
  return powerLimitW !== null && powerLimitW !== undefined && powerLimitW > 0
    ? powerLimitW * POWER_LIMIT_MARGIN
    : MAX_BOARD_POWER_W
}

/** A power reading (W) a device with this limit could give: finite, not negative, within reach. */
export function isPlausiblePower(watts: number, powerLimitW: number | null | undefined): boolean {
  return Number.isFinite(watts) && watts >= 0 && watts <= computeMaxPlausiblePowerW(powerLimitW)
}

type CounterStep =
  | { kind: 'energy'; joules: number }
  | { kind: 'backwards'; joules: number }
  | { kind: 'implausible'; joules: number }

/**
 * Judges the step of an energy counter between two readings `elapsedS` apart: `joules` is the
 * counter's difference (after any wrap correction; negative when it went backwards). Backwards is a
 * reset (a driver reload, a counter that was zeroed); a step beyond maxW over the elapsed time
 * (plus COUNTER_STEP_SLACK_S) is a reset misread as a wrap or a garbled value. Either is a gap.
 */
export function judgeCounterStep(joules: number, elapsedS: number, maxW: number): CounterStep {
  if (!Number.isFinite(joules)) return { kind: 'implausible', joules }
  if (joules < 0) return { kind: 'backwards', joules }
  if (joules > maxW * (Math.max(0, elapsedS) + COUNTER_STEP_SLACK_S))
    return { kind: 'implausible', joules }
  return { kind: 'energy', joules }
}
