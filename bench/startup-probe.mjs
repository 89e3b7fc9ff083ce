// Loaded with `node --import` in front of the built CLI by bench/startup-bench.ts: it notes every
// child process the CLI starts (async and sync APIs alike) and, when the measured command is
// started, this process's CPU so far (own, and that of the children it already reaped). The
// measured command is recognised by the marker in its arguments. Written out at exit as JSON to
// the file named by JOULEGATE_STARTUP_PROBE.
import childProcess from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'

const out = process.env.JOULEGATE_STARTUP_PROBE
const marker = process.env.JOULEGATE_STARTUP_MARKER
const spawns = []
let atCommand = null

/** cutime+cstime of reaped children, in USER_HZ ticks (100 on every Linux ABI) */
function childTicks() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(rest[16 - 3]) + Number(rest[17 - 3])
  } catch {
    return null
  }
}

function note(api, file, args) {
  const argv = [String(file), ...(Array.isArray(args) ? args.map(String) : [])]
  const isCommand = marker !== undefined && argv.some((a) => a.includes(marker))
  if (isCommand && atCommand === null) {
    const cpu = process.cpuUsage()
    atCommand = {
      epochMs: performance.timeOrigin + performance.now(),
      ownCpuS: (cpu.user + cpu.system) / 1e6,
      childTicks: childTicks(),
      spawnsBefore: spawns.length
    }
  }
  spawns.push({ api, argv: argv.slice(0, 4), atMs: performance.now() })
}

const { ChildProcess } = childProcess
const spawnChild = ChildProcess.prototype.spawn
// spawn, exec, execFile and fork all end in ChildProcess#spawn
ChildProcess.prototype.spawn = function (options) {
  note('spawn', options?.file, options?.args?.slice(1))
  return spawnChild.call(this, options)
}
for (const api of ['spawnSync', 'execSync', 'execFileSync']) {
  const original = childProcess[api]
  childProcess[api] = function (file, args, ...rest) {
    note(api, file, Array.isArray(args) ? args : [])
    return original.call(this, file, args, ...rest)
  }
}
syncBuiltinESMExports()

process.on('exit', () => {
  if (out) writeFileSync(out, JSON.stringify({ atCommand, spawns }))
})
