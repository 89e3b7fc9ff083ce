// The CLI's one reader of the process environment: the sensors' variables, RUNNER_NAME,
// JOULEGATE_CROSS_CHECK, the metrics file and the terminal's (NO_COLOR, CI), read when a command
// starts and passed down as data; the measured command and git get its variables explicitly.
import { readRunEnv, type RunEnv } from '../usecases/run-env.js'

export function readEnv(): RunEnv {
  return readRunEnv(process.env)
}
