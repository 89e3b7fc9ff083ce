// Jest gives each test file its own copy of process.env, which child processes do not inherit;
// so a test points the sensor at a small shell wrapper that sets the fake's variables and execs it.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { SensorEnv } from '../../src/sensors/sensor.js'

export const FAKE_NVIDIA_SMI = resolve('__tests__/fixtures/nvidia-smi/nvidia-smi')
export const FAKE_PYTHON = resolve('__tests__/fixtures/nvidia-smi/fake-python')

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

/**
 * Writes `dir/name`: a shell script that exports `vars` and execs `target` with its arguments, or
 * with `exec: false` runs it as its child and waits, as many site wrappers do (the shell then
 * stays between joulegate and the tool).
 */
export function writeWrapper(
  dir: string,
  name: string,
  target: string,
  vars: Record<string, string | undefined>,
  options: { exec?: boolean } = {}
): string {
  const lines = ['#!/bin/sh']
  for (const [k, v] of Object.entries(vars))
    if (v !== undefined) lines.push(`export ${k}=${quote(v)}`)
  if (options.exec === false) lines.push(`${quote(target)} "$@"`, 'exit $?', '')
  else lines.push(`exec ${quote(target)} "$@"`, '')
  const file = join(dir, name)
  writeFileSync(file, lines.join('\n'))
  chmodSync(file, 0o755)
  return file
}

/** Sensor settings that point at the fake nvidia-smi (through a wrapper carrying `vars`). */
export function fakeSmiEnv(
  dir: string,
  vars: Record<string, string | undefined>,
  over: Partial<SensorEnv> = {},
  wrapper: { exec?: boolean } = {}
): SensorEnv {
  return {
    sysfsRoot: '/nonexistent',
    nvidiaSmi: writeWrapper(dir, 'nvidia-smi', FAKE_NVIDIA_SMI, vars, wrapper),
    cudaVisibleDevices: undefined,
    intervalMs: 50,
    python: null,
    ...over
  }
}

/** What a real H100 host printed, captured by capture-real.sh. */
export const REAL_CAPTURES = resolve('__tests__/fixtures/nvidia-smi/real-h100')
export const readRealCapture = (name: string): string =>
  readFileSync(join(REAL_CAPTURES, name), 'utf8')

/** capture-real.sh appends `exit N` after a command's output: split it off. */
export function splitCaptureExit(text: string): { output: string; exit: number } {
  const m = /\nexit (\d+)\n?$/.exec(text)
  if (!m) throw new Error('capture has no trailing "exit N" line')
  return { output: text.slice(0, m.index + 1), exit: Number(m[1]) }
}

/** The argument lists the fake nvidia-smi was called with (JOULEGATE_FAKE_LOG). */
export const readFakeCalls = (log: string): string[][] =>
  readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as string[])
