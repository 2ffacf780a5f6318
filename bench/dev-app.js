// A generated app (bench/app-gen.js) served by the test suite's dev-server helper, warmed up
// as a developer's session would be: the client graph loaded, every page rendered once.

import { rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startViteDevServer } from '../__test__/helpers/dev-server.js'

const fixturesDir = fileURLToPath(new URL('../__test__/fixtures/', import.meta.url))

/** The helper copies a fixture folder; a generated app is reached by a relative path. */
export async function serveApp(app, plugins, { warm = true } = {}) {
  const dev = await startViteDevServer(path.relative(fixturesDir, app.dir), {
    plugins,
    config: { logLevel: 'info', server: { watch: { ignored: ['**/node_modules/**'] } } },
  })
  if (warm) {
    await dev.loadClient('/src/entry-client.js')
    for (const route of app.routes) {
      const page = await dev.fetchPage(route)
      if (page.status !== 200) throw new Error(`${route} rendered ${page.status}: ${page.text.slice(0, 300)}`)
    }
  }
  return dev
}

export function removeApp(app) {
  rmSync(app.dir, { recursive: true, force: true })
}

/** A new version of a server-only file: data files change their value, others get a comment. */
export function editSource(dev, relative, version, app) {
  const data = /^src\/data\/r(\d+)\.js$/.exec(relative)
  if (data) return app.dataSource(Number(data[1]), version)
  return dev.read(relative).replace(/\n\/\/ edit \d+\n$/, '\n') + `\n// edit ${version}\n`
}

/** Resolves once `predicate()` is true (checked every 5 ms), or rejects after `timeout`. */
export async function until(predicate, { timeout = 10_000, what = 'condition' } = {}) {
  const started = Date.now()
  while (!predicate()) {
    if (Date.now() - started > timeout) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
