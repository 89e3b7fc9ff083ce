// The action's one reader of the process environment: the runner's GITHUB_* variables, the
// sensors' variables, RUNNER_NAME and JOULEGATE_CROSS_CHECK, read once when the step starts and
// passed down as data (the inputs, the use cases and every child process get them from here).
import { readRunEnvironment, type RunEnvironment } from './event.js'
import type { EnvVars } from '../usecases/run-env.js'

export function readEnv(vars: EnvVars = process.env): RunEnvironment {
  return readRunEnvironment(vars)
}
