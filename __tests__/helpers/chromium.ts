// Debian's system Chromium, driven by playwright-core (which downloads no browser of its own).
import { existsSync } from 'node:fs'

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium']

export const CHROMIUM_MISSING =
  'Chromium not found (set CHROMIUM_PATH, or install it: apt-get install -y chromium)'

/** CHROMIUM_PATH when set (it must exist), else the first system Chromium found, else null. */
export function findChromium(): string | null {
  const wanted = process.env.CHROMIUM_PATH
  if (wanted) {
    if (!existsSync(wanted)) throw new Error(`CHROMIUM_PATH: got "${wanted}", which does not exist`)
    return wanted
  }
  return CANDIDATES.find((p) => existsSync(p)) ?? null
}

/** Flags for a container: no sandbox (no user namespaces there), no GPU process. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']
