// Jest gives each test file its own copy of process.env, which child processes do not inherit;
// so a test points the sensor at a small shell wrapper that sets the fake's variables and execs it.
import { chmodSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const FAKE_NVIDIA_SMI = resolve('__tests__/fixtures/nvidia-smi/nvidia-smi')
export const FAKE_PYTHON = resolve('__tests__/fixtures/nvidia-smi/fake-python')

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

/** Writes `dir/name`: a shell script that exports `vars` and execs `target` with its arguments. */
export function writeWrapper(
  dir: string,
  name: string,
  target: string,
  vars: Record<string, string | undefined>
): string {
  const lines = ['#!/bin/sh']
  for (const [k, v] of Object.entries(vars))
    if (v !== undefined) lines.push(`export ${k}=${quote(v)}`)
  lines.push(`exec ${quote(target)} "$@"`, '')
  const file = join(dir, name)
  writeFileSync(file, lines.join('\n'))
  chmodSync(file, 0o755)
  return file
}
