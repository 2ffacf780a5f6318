// One real decision through a built binding: `node scripts/decision-check.cjs <binding>`, where
// <binding> is a `.node` file or a WASI loader (`ssr-hmr.wasip1.cjs`). It mirrors a small app
// (two pages, a server-only data module per page, a client entry), opens a tab on each page,
// edits the data module of `/` and prints the change, the decision and what in them differs
// from the expected decision (`problems`, empty when right) as JSON. Run by
// scripts/check-binaries.js under QEMU for arm64 and for the wasm build, and by `npm test`
// against the host's binary (__test__/packaging/decision-check.test.js), so every binary is
// held to the same expectations and this script cannot drift from the binding unnoticed.

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

/** Module id by the index `updateModule` gave it: changes name modules by index. */
const ssrIds = []
const core = new binding.SsrHmrCore({ root, quietMs: 30, maxWaitMs: 300, refresh: 'reload' })
core.setEnvironment('client', 'client')
core.setEnvironment('ssr', 'server')
for (const record of [
  mod('entry-server.js', [
    ['routes/home.js', true],
    ['routes/about.js', true],
  ]),
  mod('routes/home.js', [['data/greeting.js'], ['components/label.js']]),
  mod('routes/about.js', [['data/team.js'], ['components/label.js']]),
  mod('data/greeting.js'),
  mod('data/team.js'),
  mod('components/label.js'),
]) {
  ssrIds[core.updateModule('ssr', record)] = record.id
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
const WALL_CLOCK_MS = 1_700_000_000_000
const { decision, messages } = JSON.parse(core.poll(1000, WALL_CLOCK_MS))
// The tab on / shows no fingerprinted render: it gets its update at once, built whole by the core.
const { events } = binding.contract().browser
const update = messages.find((message) => message.event === events.update)

const got = {
  target: binding.__napiBindingTarget ?? 'native',
  arch: process.arch,
  tabs,
  change: { class: change.class, invalidate: [...change.invalidate].map((index) => ssrIds[index]).sort() },
  shared: { class: shared.class },
  decision: {
    action: decision.action,
    pages: decision.pages.map((page) => page.url ?? page),
    tabs: decision.tabs,
    reloadAll: decision.reloadAll,
    files: decision.files,
  },
  update: update && { tab: update.tab, page: update.data.page, timestamp: update.data.timestamp },
}
console.log(JSON.stringify({ ...got, problems: problemsOf(got) }))

/** What differs from the one right decision: the data module of `/` refreshes the tab on `/`. */
function problemsOf({ change, shared, decision, tabs, update }) {
  const problems = []
  const expectInvalidated = ['data/greeting.js', 'entry-server.js', 'routes/home.js'].map(
    (name) => `${root}/src/${name}`,
  )
  if (change.class !== 'server-only') problems.push(`data/greeting.js classified ${change.class}, not server-only`)
  if (JSON.stringify(change.invalidate) !== JSON.stringify(expectInvalidated))
    problems.push(`invalidates ${JSON.stringify(change.invalidate)}, not ${JSON.stringify(expectInvalidated)}`)
  if (shared.class !== 'shared') problems.push(`components/label.js classified ${shared.class}, not shared`)
  if (decision.action !== 'reload') problems.push(`decision ${decision.action}, not reload`)
  if (JSON.stringify(decision.pages) !== '["/"]') problems.push(`pages ${JSON.stringify(decision.pages)}, not ["/"]`)
  if (JSON.stringify(decision.tabs) !== JSON.stringify([tabs.home]))
    problems.push(`tabs ${JSON.stringify(decision.tabs)}, not the tab on / (${tabs.home})`)
  if (decision.reloadAll) problems.push('reloads every tab')
  if (update?.tab !== tabs.home || update.page !== '/' || update.timestamp !== WALL_CLOCK_MS)
    problems.push(`update ${JSON.stringify(update)}, not the tab on / dated ${WALL_CLOCK_MS}`)
  return problems
}
