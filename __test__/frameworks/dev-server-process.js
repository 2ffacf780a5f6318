// A framework app's dev server started as a user starts it: its own CLI, in its own process,
// on a free port (the HMR websocket shares that port, so servers never collide on Vite's
// default 24678). Its output is kept as lines (`logs`) and in a log file outside the app.

import { spawn } from 'node:child_process'
import { mkdirSync, createWriteStream } from 'node:fs'
import path from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { freePort } from '../helpers/ports.js'
import { sleep } from '../helpers/wait.js'
import { APPS } from './apps.js'
import { WORK_DIR } from './install.js'

/**
 * What a user's shell would pass: the test runner's own variables (NODE_ENV=test, VITEST…)
 * are not the user's. Wrangler's documented switches keep Miniflare from calling out to the
 * network for `Request.cf` (this machine has none).
 */
function userEnvironment(position) {
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_ENV' || key.startsWith('VITEST') || key === 'TEST' || key === 'NODE_OPTIONS') continue
    env[key] = value
  }
  return {
    ...env,
    SSR_HMR_POSITION: position,
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    BROWSER: 'none',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_SEND_METRICS: 'false',
    // Astro sends usage data on exit unless told not to; the machine has no network for it.
    ASTRO_TELEMETRY_DISABLED: '1',
  }
}

/** A free port that is not `taken` (a port just released may be handed out again). */
async function freePortOtherThan(taken) {
  for (;;) {
    const port = await freePort()
    if (port !== taken) return port
  }
}

/**
 * Starts the dev server of a copy of an app (from copyApp) with the plugin at `position`, as a
 * user starts it: the framework's own CLI, in its own process (group), on a free port.
 * Its output goes to a log file outside the app's root, and into `logs`
 * (`{ level: 'stdout' | 'stderr', message }` per line, in order: read with helpers/logs.js).
 */
export async function startFrameworkDevServer(copy, position) {
  const app = APPS[copy.app]
  const port = await freePort()
  const env = app.env?.({ port, hmrPort: await freePortOtherThan(port) })
  mkdirSync(path.join(WORK_DIR, 'logs'), { recursive: true })
  const logFile = path.join(WORK_DIR, 'logs', `${path.basename(copy.root)}-${position}.log`)
  const logStream = createWriteStream(logFile)
  const child = spawn(process.execPath, app.command(port), {
    cwd: copy.root,
    env: { ...userEnvironment(position), ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs = []
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  let onLine = () => {}
  const output = () => logs.map(({ message }) => message).join('\n')
  for (const [level, stream] of [
    ['stdout', child.stdout],
    ['stderr', child.stderr],
  ]) {
    let pending = ''
    stream.setEncoding('utf8')
    stream.on('data', (chunk) => {
      logStream.write(chunk)
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop()
      for (const line of lines) {
        const message = stripVTControlCharacters(line)
        logs.push({ level, message })
        onLine(message)
      }
    })
  }
  const origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${app.name} (${position}): no dev server URL within 90 s; output:\n${output()}`)),
      90_000,
    )
    const check = (line) => {
      // Vite's and the frameworks' banners (`Local: http://…`), or create-vite-extra's server's line.
      const match = /(?:Local:?|Server started at)\s+(http:\/\/[^\s/]+)/.exec(line)
      if (!match) return
      clearTimeout(timer)
      resolve(match[1])
    }
    onLine = check
    logs.forEach(({ message }) => check(message))
    exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(
        new Error(
          `${app.name} (${position}): the dev server exited (${code ?? signal}) before listening; output:\n${output()}`,
        ),
      )
    })
  })
  onLine = () => {}
  await sleep(app.startupMs)
  return {
    origin,
    logs,
    logFile,
    child,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        // The server's whole process group: Miniflare's workerd and Nitro's worker with it.
        try {
          process.kill(-child.pid, 'SIGTERM')
        } catch {}
        const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])
        if (!done) {
          try {
            process.kill(-child.pid, 'SIGKILL')
          } catch {}
          await exited
        }
      }
      await new Promise((resolve) => logStream.end(resolve))
    },
  }
}
