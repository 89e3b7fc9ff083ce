// The progress of long work (idle baseline, repeats, a calibration's runs) as text: one line per
// step for a log, one redrawn line for a terminal with the step and the energy so far.
import { formatEnergy, formatSig } from './format.js'

export interface ProgressStep {
  /** what runs now, e.g. "measuring idle power for 10 s", "cpu-1t run 2 of 3" */
  label: string
  /** 1-based position among the steps of the whole job, when the job knows its steps */
  index?: number
  total?: number
}

/** What the terminal line adds to the step while it runs. */
interface ProgressReading {
  elapsedS: number
  /** energy the step has used so far; null while nothing measures it (the idle window) */
  energyJ: number | null
  estimated: boolean
}

const seconds = (s: number): string =>
  s < 60 ? `${Math.floor(s)} s` : `${Math.floor(s / 60)} min ${Math.floor(s % 60)} s`

/** The line a log gets when a step starts. */
export function formatStepLine(step: ProgressStep): string {
  const at = step.index !== undefined && step.total ? `[${step.index}/${step.total}] ` : ''
  return `joulegate: ${at}${step.label}`
}

/** The terminal's single line: the step, its elapsed time and, where measured, the energy so far. */
export function formatProgressLine(step: ProgressStep | null, reading: ProgressReading): string {
  const parts = [step ? formatStepLine(step) : 'joulegate: running']
  parts.push(`${seconds(reading.elapsedS)} elapsed`)
  if (reading.energyJ !== null) {
    const approx = reading.estimated ? '≈ ' : ''
    parts.push(`${approx}${formatEnergy(reading.energyJ)} so far`)
    if (reading.elapsedS > 0)
      parts.push(`mean ${approx}${formatSig(reading.energyJ / reading.elapsedS)} W`)
  }
  return parts.join(' · ')
}
