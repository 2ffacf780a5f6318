// Turns the sections' results into RESULTS.md, and lists the figures that are missing.

import { formatBytes, formatMs, formatRatio, ratio } from './stats.js'

const ok = (met) => (met ? 'met' : '**missed**')

/** Every figure the report shows, by name; a non-finite number counts as missing. */
export function collectFigures(r) {
  const figures = {}
  for (const s of r.core?.sizes ?? []) {
    for (const kind of ['single', 'burst']) {
      for (const impl of ['native', 'js']) {
        figures[`core ${s.size} ${kind} ${impl} p50`] = s[kind][impl].p50
        figures[`core ${s.size} ${kind} ${impl} p99`] = s[kind][impl].p99
      }
    }
    figures[`core ${s.size} updateModule p50`] = s.updateModule.p50
    figures[`core ${s.size} hub p99`] = s.profile.hub.total.p99
  }
  figures['core memory native rss'] = r.core?.memory?.nativeRssBytes
  for (const v of ['recipe', 'ours']) {
    figures[`hooks ${v} p50`] = r.hooks?.[v]?.handler.p50
    figures[`hooks ${v} p99`] = r.hooks?.[v]?.handler.p99
    figures[`hooks ${v} to the tab p50`] = r.hooks?.[v]?.toTab.p50
  }
  for (const v of ['recipe', 'reload', 'morph', 'patch']) {
    figures[`browser ${v} text p50`] = r.browser?.[v]?.fresh.text.p50
    figures[`browser ${v} ready p50`] = r.browser?.[v]?.fresh.ready.p50
    figures[`browser ${v} burst refreshes`] = r.browser?.[v]?.burst.refreshes.p50
    figures[`browser ${v} tabs disturbed`] = r.browser?.[v]?.tabs.disturbed
    figures[`browser ${v} tabs disturbed, static routes`] = r.browser?.[v]?.staticTabs.disturbed
  }
  figures['browser inPlace text p50'] = r.browser?.inPlace?.fresh.text.p50
  figures['browser inPlace burst refreshes'] = r.browser?.inPlace?.burst.refreshes.p50
  figures['browser inPlace tabs disturbed'] = r.browser?.inPlace?.tabs.disturbed
  for (const [name, app] of Object.entries(r.frameworks?.apps ?? { 'not run': {} }))
    for (const v of ['without', 'reload', 'inPlace']) figures[`frameworks ${name} ${v} text p50`] = app[v]?.text.p50
  for (const v of ['viteAlone', 'recipe', 'ours']) {
    figures[`server ${v} server-only fetches`] = r.serverWork?.[v]?.serverOnly.p50
    figures[`server ${v} shared fetches`] = r.serverWork?.[v]?.shared.p50
  }
  for (const kind of ['single', 'burst']) {
    for (const impl of ['native', 'wasm']) {
      figures[`wasm ${kind} ${impl} p50`] = r.wasm?.[kind]?.[impl].p50
      figures[`wasm ${kind} ${impl} p99`] = r.wasm?.[kind]?.[impl].p99
    }
  }
  for (const impl of ['native', 'wasm']) {
    figures[`wasm size ${impl}`] = r.wasm?.sizes?.[impl].bytes
    figures[`wasm feed ${impl}`] = r.wasm?.feedMs?.[impl]
  }
  return figures
}

export function missingFigures(r) {
  return Object.entries(collectFigures(r))
    .filter(([, value]) => !Number.isFinite(value))
    .map(([name]) => name)
}

export function renderReport(r) {
  return (
    [
      header(r),
      goalsSection(r),
      coreSection(r.core),
      hooksSection(r.hooks),
      browserSection(r.browser),
      serverSection(r.serverWork),
      wasmSection(r.wasm),
      frameworksSection(r.frameworks),
      notes(r),
    ].join('\n\n') + '\n'
  )
}

/**
 * Issue 13's goals, each with the figure of this run it is judged on. `met` is undefined
 * when the section the figure comes from did not run.
 */
export function goals(r) {
  const ten = r.core?.sizes.find((s) => s.size === 10_000)
  const big = r.core?.sizes.find((s) => s.size === 100_000)
  const b = r.browser
  const h = r.hooks
  const judged = (figure, met) =>
    Number.isFinite(figure) || typeof figure === 'string' ? { figure, met } : { figure: 'not run', met: undefined }
  const burstOk = (v) => v && v.burst.refreshes.max <= 2 && v.burst.fresh
  const morphRatio = ratio(b?.morph.fresh.text.p50, b?.recipe.fresh.text.p50)
  const reloadRatio = ratio(b?.reload.fresh.text.p50, b?.recipe.fresh.text.p50)
  const handlerRatio = ratio(h?.ours.handler.p50, h?.recipe.handler.p50)
  const burstRatio = ratio(big?.burst.native.p50, big?.burst.js.p50)
  const disturbed =
    b && `${b.reload.tabs.disturbed} of 4 (lazy routes), ${b.reload.staticTabs.disturbed} of 4 (static route table)`
  return [
    {
      goal: 'A lone save is acted on at once (no quiet-period wait)',
      target: `first message to the tab < the ${QUIET_MS} ms quiet period after the hook`,
      ...judged(h && formatMs(h.ours.toTab.p50), h && h.ours.toTab.p50 < QUIET_MS),
    },
    {
      goal: 'A 50-edit burst: at most 2 refreshes per affected tab, ends fresh',
      target: '≤ 2, final content',
      ...judged(
        b &&
          `reload ${b.reload.burst.refreshes.max}, morph ${b.morph.burst.refreshes.max} (max of ${b.reload.burst.runs})${burstOk(b.reload) && burstOk(b.morph) ? '' : ', stale'}`,
        b && burstOk(b.reload) && burstOk(b.morph),
      ),
    },
    {
      goal: 'Morph: write → new text p50',
      target: '≤ 20 ms',
      ...judged(b && formatMs(b.morph.fresh.text.p50), b?.morph.fresh.text.p50 <= 20),
    },
    {
      goal: "Morph: write → new text p50, against the recipe's",
      target: '≤ 1/3',
      ...judged(b && formatRatio(morphRatio), morphRatio <= 1 / 3),
    },
    {
      goal: "Reload: write → new text p50, against the recipe's",
      target: '≤ 1×',
      ...judged(b && formatRatio(reloadRatio), reloadRatio <= 1),
    },
    {
      goal: "`hotUpdate` handler p50, against the recipe's",
      target: '≤ 1×',
      ...judged(h && formatRatio(handlerRatio), handlerRatio <= 1),
    },
    {
      goal: 'One decision through napi at 10k modules, p99: random single edits',
      target: '< 1 ms',
      ...judged(ten && formatMs(ten.single.native.p99), ten?.single.native.p99 < 1),
    },
    {
      goal: 'One decision through napi at 10k modules, p99: the hub edit',
      target: '< 1 ms',
      ...judged(
        ten &&
          `${formatMs(ten.profile.hub.total.p99)} (${ten.profile.hub.invalidate.toLocaleString('en')} ids invalidated)`,
        ten?.profile.hub.total.p99 < 1,
      ),
    },
    {
      goal: 'Bursts of 50 files at 100k modules, native against the JS algorithm (p50)',
      target: '≤ 1/3',
      ...judged(big && formatRatio(burstRatio), burstRatio <= 1 / 3),
    },
    {
      goal: 'Exact targeting: tabs disturbed when 1 of 4 pages changes',
      target: '1 of 4',
      ...judged(
        disturbed,
        b &&
          b.reload.tabs.disturbed === 1 &&
          b.reload.staticTabs.disturbed === 1 &&
          b.morph.tabs.disturbed === 1 &&
          b.morph.staticTabs.disturbed === 1,
      ),
    },
    ...inPlaceGoals(r, judged),
  ]
}

/** Issue 20's goals: in place ≤ 1/6 of the recipe (or the framework's own reload), no slower than morph, no document load. */
function inPlaceGoals(r, judged) {
  const b = r.browser
  const rows = []
  for (const [key, how] of [
    ['patch', 'three-way patch'],
    ['inPlace', 'through a framework'],
  ]) {
    const inPlace = b?.[key]?.fresh.text.p50
    const inPlaceRatio = ratio(inPlace, b?.recipe.fresh.text.p50)
    rows.push(
      {
        goal: `In place, ${how} (bench app): write → new text p50, against the recipe's`,
        target: '≤ 1/6',
        ...judged(b?.[key] && formatRatio(inPlaceRatio), inPlaceRatio <= 1 / 6),
      },
      {
        goal: `In place, ${how} (bench app): write → new text p50, against morph in the same run`,
        target: '≤ 1×',
        ...judged(
          b?.[key] && `${formatMs(inPlace)} against ${formatMs(b.morph.fresh.text.p50)}`,
          inPlace <= b?.morph.fresh.text.p50,
        ),
      },
    )
  }
  for (const app of Object.values(r.frameworks?.apps ?? {})) {
    const against = ratio(app.inPlace.text.p50, app.without.text.p50)
    rows.push({
      goal: `In place (${app.label}): write → new text p50, against the app without the plugin; document loads`,
      target: '≤ 1/6, none',
      ...judged(
        `${formatRatio(against)}, ${formatLoadsPerEdit(app.inPlace)} per edit`,
        against <= 1 / 6 && app.inPlace.documentLoads === 0,
      ),
    })
  }
  return rows
}

const QUIET_MS = 30

function goalsSection(r) {
  const rows = goals(r).map(
    (g) => `| ${g.goal} | ${g.target} | ${g.figure} | ${g.met === undefined ? 'not run' : ok(g.met)} |`,
  )
  return `## Goals

Issue 13's goals and issue 20's (in place), judged on this run's figures (sections below). The cost of exact targeting (checking a candidate tab's output before refreshing it) is inside every browser figure: each candidate tab fetches its page once per edit (section 3).

| goal | target | this run | |
|---|---|---|---|
${rows.join('\n')}`
}

function header(r) {
  return `# Benchmarks

Generated by \`npm run bench\` on ${r.meta.date}${r.meta.quick ? ' (**--quick smoke run: few samples, not for quoting**)' : ''}.
Machine: ${r.meta.cpu} (${r.meta.cores} cores), ${r.meta.os}, Node ${r.meta.node}, Vite ${r.meta.vite}, Chromium ${r.browser?.version ?? 'n/a'}, playwright-core ${r.meta.playwright}.
Every ratio compares figures measured in this same run. p50 = median, p99 = 99th percentile (nearest rank; with fewer than 100 samples it is the maximum).`
}

function coreSection(core) {
  if (!core) return '## 1. Core, no Vite\n\nnot run'
  const rows = core.sizes.map((s) => {
    const cells = (kind) => [
      formatMs(s[kind].native.p50),
      formatMs(s[kind].native.p99),
      formatMs(s[kind].js.p50),
      formatMs(s[kind].js.p99),
      formatRatio(ratio(s[kind].native.p50, s[kind].js.p50)),
      formatRatio(ratio(s[kind].native.p99, s[kind].js.p99)),
    ]
    return `| ${s.size.toLocaleString('en')} | ${cells('single').join(' | ')} | ${cells('burst').join(' | ')} | ${formatMs(s.updateModule.p50)} |`
  })
  const big = core.sizes.find((s) => s.size === 100_000)
  const ten = core.sizes.find((s) => s.size === 10_000)
  const hubRows = core.sizes.map((s) => {
    const h = s.profile.hub
    return `| ${s.size.toLocaleString('en')} | ${h.invalidate.toLocaleString('en')} | ${formatMs(h.onServerChange.p50)} | ${formatMs(h.flush.p50)} | ${formatMs(h.parse.p50)} | ${(h.jsonBytes / 1024).toFixed(1)} KB | ${formatMs(h.total.p50)} / ${formatMs(h.total.p99)} | ${formatMs(h.js.p50)} |`
  })
  const m = core.memory
  return `## 1. Core, no Vite: decision latency

Synthetic graphs (bench/graph-gen.js, seed 42): one feature folder per route, ~3.7 imports per module, a shared core of hub modules (\`db\`, \`log\`…), cross-feature and dynamic imports, ~1% back edges (cycles). ${big?.trackedPages ?? 200} pages with recorded roots, ${big?.openTabs ?? 20} open tabs.
**native** = \`SsrHmrCore\` through napi: \`onServerChange\` per file (its invalidation set comes back as a typed array of module indexes, which the shim looks up in its own table), \`poll\`, and the shim's \`JSON.parse\` of the decision. **js** = the same algorithm in plain JS over Vite-shaped nodes (\`importers\` Sets; bench/js-reference.js). Both produced identical decisions (pages, tabs, invalidation sets) on every sample: ${core.sizes.every((s) => s.single.mismatches === 0 && s.burst.mismatches === 0) ? 'yes' : '**no**'}.
"single" = one random server-only file per decision (${core.sizes[0].single.native.n} decisions); "burst" = 50 random server-only files in one batch (${core.sizes[0].burst.native.n} batches).

| modules | single native p50 | p99 | single js p50 | p99 | native/js p50 | p99 | burst native p50 | p99 | burst js p50 | p99 | native/js p50 | p99 | updateModule (existing module) p50 |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Goals (table above): p99 < 1 ms at 10k (single ${formatMs(ten?.single.native.p99)}; a 50-file burst is ${formatMs(ten?.burst.native.p99)}, not a goal), bursts at 100k ≤ 1/3 of js (${formatRatio(ratio(big?.burst.native.p50, big?.burst.js.p50))}); single edits at 100k: ${formatRatio(ratio(big?.single.native.p50, big?.single.js.p50))} of js.

**Where the native time goes** on the worst single edit (\`src/server/core/c0.js\`, a hub most server modules reach), ${ten?.profile.hub.total.n ?? 0} edits:

| modules | modules invalidated | onServerChange (returns their indexes) p50 | poll (page walk + JSON) p50 | JSON.parse in the shim p50 | decision JSON | native total p50 / p99 | js total p50 |
|---|---|---|---|---|---|---|---|
${hubRows.join('\n')}

Mirror memory (100k-module graph = ${m.modules.toLocaleString('en')} nodes in 2 environments, ${m.edges.toLocaleString('en')} edges, fresh child process): native mirror RSS +${formatBytes(m.nativeRssBytes)} (JS heap +${formatBytes(m.nativeHeapBytes)}); the same graph as Vite-shaped JS objects: heap +${formatBytes(m.viteShapedHeapBytes)}.`
}

function hooksSection(h) {
  if (!h) return '## 2. Inside real Vite\n\nnot run'
  const row = (name, v) =>
    `| ${name} | ${formatMs(v.handler.p50)} | ${formatMs(v.handler.p99)} | ${formatMs(v.read.p50)} | ${formatMs(v.toTab.p50)} / ${formatMs(v.toTab.p99)} | ${v.batchWork ? `${formatMs(v.batchWork.p50)} / ${formatMs(v.batchWork.p99)}` : '—'} |`
  return `## 2. Inside real Vite: \`hotUpdate\` handler time per edit

Generated app of ${h.modules.toLocaleString('en')} modules (${h.clientModules} client files), client graph loaded, every page rendered, one HMR client that says it shows the page whose data is edited. ${h.edits} server-only edits (route data files and server utils), one at a time, 400 ms apart (lone saves, past the batcher's 330 ms stream gap); every \`hotUpdate\` handler of the plugin wrapped with a timer, summed over environments per edit, minus any time awaiting Vite's \`read()\` (shown apart; ours awaits it only before telling a runtime outside Vite's process to re-import). What the hook's answer does not depend on (invalidating Vite's graph and the runners' caches, arming the decision) runs right after the hooks; the decision itself runs then too, at once for a lone save: its core time is taken from the plugin's log line. "To the tab" = from the first \`hotUpdate\` call for the file to the first message the tab receives for it (a data edit: the recipe's \`full-reload\`, our \`ssr-hmr:check\`).

| plugin | handler p50 | handler p99 | awaited read() p50 | hook → first message to the tab p50 / p99 | core work per decision p50 / p99 |
|---|---|---|---|---|---|
${row('docs recipe (`hmrReload`)', h.recipe)}
${row('ssrHmr()', h.ours)}

Goals (table above): handler p50 ours/recipe = ${formatRatio(ratio(h.ours.handler.p50, h.recipe.handler.p50))}. Ours reaches the tab after compiling the changed file and deciding; the recipe's reload leaves inside its hook, and every tab then renders the page.`
}

function browserSection(b) {
  if (!b) return '## 3. What a user sees\n\nnot run'
  const names = {
    recipe: 'docs recipe (full reload)',
    reload: "ssrHmr({ refresh: 'reload' })",
    morph: "ssrHmr({ refresh: 'morph' })",
    patch: 'ssrHmr() in place: the three-way patch (the app as it is)',
    inPlace: 'ssrHmr() in place: through a framework (the app with a client router)',
  }
  const tabsCell = (t) =>
    `${t.disturbed} of ${t.tabs}${t.fresh && t.othersIntact ? '' : ' **stale or lost content**'} (${t.checks} checked)`
  const rows = Object.entries(names).map(([k, label]) => {
    const v = b[k]
    if (!v) return `| ${label} | not run | | | | | |`
    const checks = v.fresh.checksPerEdit ? `${v.fresh.checksPerEdit} (${formatMs(v.fresh.checkMs.p50)})` : '—'
    return `| ${label} | ${formatMs(v.fresh.text.p50)} / ${formatMs(v.fresh.text.p99)} | ${formatMs(v.fresh.ready.p50)} / ${formatMs(v.fresh.ready.p99)} | ${checks} | ${v.burst.refreshes.p50} (${v.burst.refreshes.min}–${v.burst.refreshes.max})${v.burst.fresh ? '' : ` **stale at the end** (showed ${v.burst.finalTexts.join(', ')}; expected ${v.burst.expected.join(', ')})`} | ${tabsCell(v.tabs)} | ${tabsCell(v.staticTabs)} |`
  })
  return `## 3. What a user sees (headless Chromium)

Generated app of ${b.appModules} modules; a page loads ${b.recipe.loadedModules} JS/CSS modules in dev (a client entry importing components and client-only modules, each with its CSS injected by JS, as Vite does), so a full reload costs what it costs in a real app. Time from the file write (a server-only data file the page renders) to: **new text** in the DOM; **ready** = new text and the client entry has run again in that document (page usable and styled); both are stamped in the page. A morph keeps the document, so both are equal. ${b.recipe.fresh.text.n} lone edits per variant, 1 s apart. **Checks** = fetches of its own page a tab makes for our output check, per edit (each one server render; fetch time p50 in brackets): not refreshes. Burst: ${BURST_EDITS_LABEL}, ${b.recipe.burst.runs} run(s); refreshes = navigations + in-place content changes. Tabs: 4 tabs on 4 routes, one route's data edited; disturbed = navigated or changed in place; in an app that imports its routes lazily, and in one whose route table imports every route statically (every page's server graph then reaches every route's data: only the output check can tell the 3 other pages did not change).

| variant | write → new text p50 / p99 | write → ready p50 / p99 | checks per edit | refreshes for the burst, median (range) | tabs disturbed, lazy routes | tabs disturbed, static route table |
|---|---|---|---|---|---|---|
${rows.join('\n')}

In place: the same generated app, its client entry also starting a tiny client router (TanStack Router's contract, bench/app-gen.js) that re-fetches its page and swaps \`#data\`; \`ssrHmr()\`'s 'auto' strategy finds it on the page and updates through it, so its checks per edit count the runtime's check and the router's own fetch of the page.

Goals (table above): morph/recipe new text ${formatRatio(ratio(b.morph.fresh.text.p50, b.recipe.fresh.text.p50))}${b.morph.morphFellBackToReload ? ' (morph fell back to reloads)' : ''}, three-way patch/recipe ${formatRatio(ratio(b.patch?.fresh.text.p50, b.recipe.fresh.text.p50))}${b.patch?.inPlaceFellBackToReload ? ' (the patch fell back to reloads)' : ''}, in place through a framework/recipe ${formatRatio(ratio(b.inPlace?.fresh.text.p50, b.recipe.fresh.text.p50))}${b.inPlace?.inPlaceFellBackToReload ? ' (in place fell back to reloads)' : ''}, reload/recipe ${formatRatio(ratio(b.reload.fresh.text.p50, b.recipe.fresh.text.p50))}. The recipe's reload waits for Vite's client, which debounces \`full-reload\` by 50 ms; ours reloads once its check says the page changed.`
}

const BURST_EDITS_LABEL = '50 edits of the data file, 30 ms apart'

function serverSection(s) {
  if (!s) return '## 4. Server work\n\nnot run'
  const names = { viteAlone: 'Vite alone (no plugin)', recipe: 'docs recipe', ours: 'ssrHmr()' }
  const rows = Object.entries(names).map(
    ([k, label]) =>
      `| ${label} | ${s[k].serverOnly.p50} | ${s[k].shared.p50} | ${s[k].stale ? `**${s[k].stale} stale**` : 'yes'} |`,
  )
  return `## 4. Server work per edit

Calls to the ssr environment's \`fetchModule\` (each module the server runner requests, fresh or still cached) caused by one edit plus the next request of the page, app of ${s.modules.toLocaleString('en')} modules rendered with \`environments.ssr.runner.import\`. Server-only edit: the page's data file or its loader; shared edit: \`${s.ours.sharedFile}\`, a component the page renders that the browser also runs. Median of ${s.ours.serverOnly.n} edits each.

| setup | fetches per server-only edit | fetches per shared edit | next request fresh |
|---|---|---|---|
${rows.join('\n')}`
}

const kb = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(0)} KB` : 'n/a')

function wasmSection(w) {
  if (!w) return '## 5. WebAssembly build beside the native one\n\nnot run'
  const row = (label, kind) =>
    `| ${label} | ${formatMs(w[kind].native.p50)} | ${formatMs(w[kind].native.p99)} | ${formatMs(w[kind].wasm.p50)} | ${formatMs(w[kind].wasm.p99)} | ${formatRatio(ratio(w[kind].wasm.p50, w[kind].native.p50))} | ${formatRatio(ratio(w[kind].wasm.p99, w[kind].native.p99))} |`
  return `## 5. WebAssembly build beside the native one

The fallback for hosts no native binary fits (\`vite-plugin-ssr-hmr-wasm32-wasip1\`, built by \`npm run build:wasm\`) against this host's native binary, through the same calls as section 1 (\`onServerChange\` per file, \`poll\`, the shim's \`JSON.parse\`), in one process, alternating which runs first. Graph of ${w.modules.toLocaleString('en')} modules (section 1's generator, seed 42), 200 pages with recorded roots, 20 open tabs. Both produced identical decisions on every sample: ${w.mismatches === 0 ? 'yes' : `**no** (${w.mismatches} differ)`}.

| ${w.size.toLocaleString('en')} modules | native p50 | native p99 | wasm p50 | wasm p99 | wasm/native p50 | p99 |
|---|---|---|---|---|---|---|
${row(`single edit (${w.single.native.n} decisions)`, 'single')}
${row(`burst of 50 files (${w.burst.native.n} batches)`, 'burst')}

Feeding the whole graph to a new core (every module through \`updateModule\`; on wasm this is what a fresh core costs after a Rust panic, lib/core-recovery.js): native ${formatMs(w.feedMs.native)}, wasm ${formatMs(w.feedMs.wasm)}.

| binary | size | gzip -9 |
|---|---|---|
| native, this host (\`${w.sizes.native.file}\`) | ${kb(w.sizes.native.bytes)} | ${kb(w.sizes.native.gzipBytes)} |
| WebAssembly (\`${w.sizes.wasm.file}\`) | ${kb(w.sizes.wasm.bytes)} | ${kb(w.sizes.wasm.gzipBytes)} |`
}

function notes(r) {
  return `## Notes

- Sections 2–4 run real Vite dev servers on apps generated into a temp dir (bench/app-gen.js); on a machine others may share, single figures are noisy; compare ratios from the same run.
- Reproduce: \`npm run build && npm run bench\` (about ${r.meta.minutes} minutes here). Smoke: \`npm run bench -- --quick --out /tmp/r.md\`.`
}

const FRAMEWORK_VARIANTS = {
  without: 'without the plugin',
  reload: "ssrHmr({ refresh: 'reload' })",
  inPlace: 'ssrHmr() (in place)',
}

/** Document loads per edit, the warm-up edit included: `0.11 (1 of 9 edits)` when not every edit or none. */
function formatLoadsPerEdit({ documentLoads, editsMade }) {
  if (documentLoads === 0 || documentLoads === editsMade) return String(documentLoads / editsMade)
  return `${(documentLoads / editsMade).toFixed(2)} (${documentLoads} of ${editsMade} edits)`
}

function frameworksSection(f) {
  if (!f) return '## 6. Framework apps (headless Chromium)\n\nnot run'
  const rows = []
  const reloads = []
  for (const app of Object.values(f.apps)) {
    const without =
      app.withoutPlugin === 'recipe' ? 'docs recipe added inline (full reload)' : "the framework's own full reload"
    for (const [variant, label] of Object.entries(FRAMEWORK_VARIANTS)) {
      const v = app[variant]
      const text = `${formatMs(v.text.p50)} / ${formatMs(v.text.p99)}`
      const against = variant === 'without' ? '—' : formatRatio(ratio(v.text.p50, app.without.text.p50))
      rows.push(
        `| ${app.label} | ${variant === 'without' ? `${label}: ${without}` : label} | ${text} | ${against} | ${formatLoadsPerEdit(v)} |`,
      )
      if (variant === 'inPlace')
        for (const line of v.reloadLines ?? []) reloads.push(`- ${app.label}, ${label}: \`${line}\``)
    }
  }
  const first = Object.values(f.apps)[0]
  return `## 6. Framework apps (headless Chromium)

Real framework apps from \`__test__/frameworks/apps/\` that run on this Node, each in a copy of its own whose \`vite.config.js\` the bench rewrites per variant (bench/frameworks.js). One tab on \`/about\`; ${first?.inPlace.text.n ?? 0} lone edits of its server-only data module, 1 s apart, after one warm-up edit; time from the file write to the new value in the DOM (stamped in the page). Document loads per edit: main-frame navigations (an in-place update has none). Without the plugin: SvelteKit, TanStack Start and Hono reload nothing on a server-only edit (the docs recipe is added as an inline plugin), Vike ships the recipe itself. Hono has no framework part: its in-place update is the three-way patch.

| app | variant | write → new text p50 / p99 | against without the plugin (p50) | document loads per edit |
|---|---|---|---|---|
${rows.join('\n')}${reloads.length ? `\n\nWhere the plugin's runtime reloaded a tab, what it said:\n\n${reloads.join('\n')}` : ''}`
}
