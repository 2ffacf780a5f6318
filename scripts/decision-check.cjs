// One real decision through a built binding: `node scripts/decision-check.cjs <binding>`, where
// <binding> is a `.node` file or a WASI loader (`ssr-hmr.wasip1.cjs`). It mirrors a small app
// (two pages, a server-only data module per page, a client entry), opens a tab on each page,
// edits the data module of `/` and prints the change and the decision as JSON. Run by
// scripts/check-binaries.js on the host, under QEMU for arm64, and for the wasm build, so
// every binary is compared with the same expectations.

const path = require('node:path')

const binding = require(path.resolve(process.argv[2]))
const root = '/app'
const mod = (name, imports = [], extra = {}) => ({
  id: `${root}/src/${name}`,
  url: `/src/${name}`,
  file: `${root}/src/${name}`,
  type: 'js',
  selfAccepting: false,
  acceptedDeps: [],
  imports: imports.map(([name, dynamic = false]) => ({ id: `${root}/src/${name}`, dynamic })),
  ...extra,
})

const core = new binding.SsrHmrCore({ root, quietMs: 30, maxWaitMs: 300, refresh: 'reload' })
core.setEnvironment('client', 'client')
core.setEnvironment('ssr', 'server')
for (const record of [
  mod('entry-server.js', [['routes/home.js', true], ['routes/about.js', true]]),
  mod('routes/home.js', [['data/greeting.js'], ['components/label.js']]),
  mod('routes/about.js', [['data/team.js'], ['components/label.js']]),
  mod('data/greeting.js'),
  mod('data/team.js'),
  mod('components/label.js'),
]) {
  core.updateModule('ssr', record)
}
core.updateModule('client', mod('entry-client.js', [['components/label.js']]))
core.updateModule('client', mod('components/label.js'))

// What each page's render requested: the entry, then the route module it imported.
const entry = `${root}/src/entry-server.js`
core.recordPageRoots('/', 'ssr', [{ id: entry }, { id: `${root}/src/routes/home.js`, importer: entry }])
core.recordPageRoots('/about', 'ssr', [{ id: entry }, { id: `${root}/src/routes/about.js`, importer: entry }])
const tabs = { home: core.openTab('/', null, 0), about: core.openTab('/about', null, 0) }

const change = core.onServerChange('ssr', `${root}/src/data/greeting.js`, 1)
const shared = core.onServerChange('ssr', `${root}/src/components/label.js`, 2)
const { decision } = JSON.parse(core.poll(1000))

console.log(
  JSON.stringify({
    target: binding.__napiBindingTarget ?? 'native',
    arch: process.arch,
    tabs,
    change: { class: change.class, invalidate: JSON.parse(change.invalidateJson).sort() },
    shared: { class: shared.class },
    decision: { action: decision.action, pages: decision.pages.map((page) => page.url ?? page), tabs: decision.tabs, reloadAll: decision.reloadAll, files: decision.files },
  }),
)
