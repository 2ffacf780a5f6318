// The rules of issue #11, as checks over what the harness observed. Each check returns the list
// of rules the observation breaks, each one a sentence saying what was seen; an empty list
// passes. Targets are absolute (tab A fresh, tab B untouched…); "never worse" compares with the
// same app, same scenario, without the plugin (`baseline`), observed in the same test run.

import { ROUTES } from './apps.js'
import { isErrorDocument } from './tabs.js'

const PAGES = new Set(Object.values(ROUTES))

function seen(tab) {
  const payloads = tab.payloads.length ? tab.payloads.join(', ') : 'no HMR payload'
  const documents = tab.documents.length
    ? tab.documents
        .map((doc) =>
          doc.loaded
            ? `${doc.path} ${doc.status ?? '?'} ${doc.contentType ?? 'no content type'}${doc.viteClient ? '' : ' without Vite client'}`
            : `${doc.path} (superseded before it loaded)`,
        )
        .join('; ')
    : 'no document load'
  return `${documents}; received: ${payloads}`
}

/**
 * Where the framework alone already shows a server-only edit in place (React Router's hot
 * data revalidation: no document load, fresh), the plugin must not reload over it.
 */
export function updatesInPlace(baseline) {
  const run = baseline?.results.serverOnly
  return !!run && !run.error && run.A.fresh && run.A.loads === 0 && run.A.marker
}

/** Whether a tab's own state (`tab.makeState`) did not survive. */
function stateLost(tab) {
  const { before, after } = tab?.state ?? {}
  return !!before && (after?.typed !== before.typed || after?.count !== before.count)
}

/** A page updated in place keeps the text typed into it and its counter's clicks (`tab.makeState`). */
function checkStateKept(problems, label, tab) {
  if (!tab.state) return
  const { before, after } = tab.state
  if (before.count !== 'count 3' || before.typed === null)
    problems.push(`${label}: the test could not give the page its state (${JSON.stringify(before)})`)
  else if (after?.typed !== before.typed || after?.count !== before.count)
    problems.push(`${label} lost its own state: ${JSON.stringify(before)} before, ${JSON.stringify(after)} after`)
}

/** Updated in place, tab A re-ran /about's loader (the edit reaches it) and not the root's (see `app.loaderRuns`). */
function checkLoaderRuns(problems, A) {
  const runs = JSON.stringify(A.loaderRuns ?? {})
  if (!A.loaderRuns?.about) problems.push(`tab A did not re-run /about's loader, which the edit reaches: ${runs}`)
  if (A.loaderRuns?.root) problems.push(`tab A re-ran the root's loader, which the edit does not reach: ${runs}`)
}

function checkUntouched(problems, label, tab, { baselineOverlay = false } = {}) {
  if (tab.loads > 0 || !tab.marker)
    problems.push(
      `${label} was refreshed (${tab.loads} document load(s), window marker ${tab.marker ? 'kept' : 'lost'}): ${seen(tab)}`,
    )
  else if (tab.unchanged === false)
    problems.push(`${label} changed its content in place to ${JSON.stringify(tab.texts['#data'])}`)
  if (tab.overlayShownNow && !baselineOverlay)
    problems.push(`${label} shows an error overlay it does not show without the plugin: ${tab.overlays.join(' | ')}`)
}

function checkLandings(problems, label, tab) {
  const bad = tab.documents.filter(isErrorDocument)
  if (bad.length)
    problems.push(
      `${label} loaded ${bad.length} document(s) that are no working page (status ≥ 500, not HTML, or without Vite's client): ${seen(tab)}`,
    )
}

/** Rule 5: only HTML documents are pages. The pages the plugin names in its updates must be routes. */
function checkPagesNamed(problems, result) {
  const tabs = [result.A, result.B, result.broken?.A, result.broken?.B, result.fixed?.A, result.fixed?.B].filter(
    Boolean,
  )
  const named = new Set(
    tabs.flatMap((tab) => tab.updatePayloads.flatMap((data) => (data?.pages ?? []).map((page) => page?.url ?? page))),
  )
  const notPages = [...named].filter((page) => !PAGES.has(page))
  if (notPages.length)
    problems.push(`the plugin's updates name requests that are no page of the app: ${notPages.join(', ')}`)
}

function scenarioError(result) {
  return result?.error ? [`the scenario could not run: ${result.error.split('\n').slice(0, 6).join('\n')}`] : []
}

/**
 * @param {string} scenario one of SCENARIOS
 * @param {object} observed what observeApp returned with the plugin
 * @param {object} baseline what observeApp returned without it
 * @param {object} [app] the app's description (apps.js)
 * @returns {string[]} broken rules
 */
export function problemsOf(scenario, observed, baseline, app) {
  const result = observed.results[scenario]
  const errors = scenarioError(result)
  if (errors.length) return errors
  const base = baseline?.results[scenario]
  // Tab A must be updated in place where the framework does so itself (seen without the
  // plugin), and, with the plugin, where its 'auto' strategy has a part for the framework.
  const inPlace = updatesInPlace(baseline) || (!!app?.inPlace && observed.position !== 'none')
  const problems = []
  switch (scenario) {
    case 'serverOnly': {
      const { A, B } = result
      if (!A.fresh)
        problems.push(
          `tab A (/about) is stale: it shows ${JSON.stringify(A.texts['#data'])}, not ${JSON.stringify(result.expected.A)}; ${seen(A)}`,
        )
      if (inPlace && (A.loads > 0 || !A.marker))
        problems.push(
          `tab A was reloaded over the framework's in-place update (${A.loads} document load(s); without the plugin: none): ${seen(A)}`,
        )
      if (A.loads > 1) problems.push(`tab A loaded ${A.loads} documents for one edit: ${seen(A)}`)
      if (inPlace) checkStateKept(problems, 'tab A', A)
      if (app?.loaderRuns && observed.position !== 'none' && A.loads === 0) checkLoaderRuns(problems, A)
      checkLandings(problems, 'tab A', A)
      checkUntouched(problems, 'tab B (/)', B)
      break
    }
    case 'shared': {
      for (const [label, tab] of [
        ['tab A (/about)', result.A],
        ['tab B (/)', result.B],
      ]) {
        if (app?.componentHmr === false) {
          // Nothing to hot-update: the framework reloads the tab, once, onto a working page.
          if (tab.loads > 1) problems.push(`${label} loaded ${tab.loads} documents for one edit: ${seen(tab)}`)
          checkLandings(problems, label, tab)
        } else {
          if (tab.loads > 0 || !tab.marker) problems.push(`${label} was reloaded instead of hot-updated: ${seen(tab)}`)
          if (!tab.payloads.some((payload) => payload.startsWith('update ')))
            problems.push(`${label} received no client HMR update: ${seen(tab)}`)
        }
        if (!tab.fresh)
          problems.push(
            `${label} shows ${JSON.stringify(tab.texts['#shared'])}, not ${JSON.stringify(result.expected.shared)}`,
          )
        if (!tab.ssrFresh)
          problems.push(
            `the next server render of ${label}'s route does not contain ${JSON.stringify(result.expected.shared)} (status ${tab.ssrStatus})`,
          )
      }
      break
    }
    case 'syntaxError':
    case 'runtimeError': {
      const { broken, fixed } = result
      const error = scenario === 'syntaxError' ? 'the syntax error' : 'the error thrown at run time'
      const errorPageIsAPage = scenario === 'runtimeError' && !!app?.errorsAsPages
      if (!broken.A.overlay && !errorPageIsAPage)
        problems.push(`after ${error}, tab A shows no error overlay: ${seen(broken.A)}`)
      checkLandings(problems, `after ${error}, tab A`, broken.A)
      // With every route imported statically, `/` fails to render too (issue #11, rule 4: the
      // overlay in every affected tab); an overlay in tab B is then the truth, a reload is not.
      const bFailsToo = !!app?.staticRoutes
      checkUntouched(problems, `after ${error}, tab B (/)`, broken.B, {
        baselineOverlay: bFailsToo || (!!base && !base.error && base.broken.B.overlayShownNow),
      })
      if (!fixed.A.fresh)
        problems.push(
          `after the fix, tab A is not fresh: it shows ${JSON.stringify(fixed.A.texts['#data'])}, not ${JSON.stringify(result.expected.A)}; ${seen(fixed.A)}`,
        )
      if (fixed.A.overlayShownNow) problems.push(`after the fix, tab A still shows the error overlay`)
      if (inPlace && fixed.A.loads > 0)
        problems.push(`after the fix, tab A was reloaded over the framework's in-place update: ${seen(fixed.A)}`)
      // Where the framework alone loses it too (React Router: its error boundary replaces the
      // route while the data module fails), the page's state is the framework's to keep.
      if (inPlace && !(base && !base.error && stateLost(base.fixed.A)))
        checkStateKept(problems, 'after the fix, tab A', fixed.A)
      checkLandings(problems, 'after the fix, tab A', fixed.A)
      checkUntouched(problems, 'after the fix, tab B (/)', fixed.B)
      break
    }
    case 'burst': {
      const { A, B } = result
      if (!A.fresh)
        problems.push(
          `after the burst, tab A is stale: it shows ${JSON.stringify(A.texts['#data'])}, not ${JSON.stringify(result.expected.A)}; ${seen(A)}`,
        )
      // One burst, unless the writer or the dev server stalled past its gaps (helpers/burst.js).
      const bursts = result.bursts ?? 1
      if (A.loads > 2 * bursts)
        problems.push(
          `tab A loaded ${A.loads} documents for ${bursts === 1 ? 'one burst' : `${bursts} bursts`} (at most 2 each; ${result.written}): ${seen(A)}`,
        )
      if (inPlace && A.loads > 0)
        problems.push(
          `tab A was reloaded over the framework's in-place updates (${A.loads} document load(s); without the plugin: ${base?.A?.loads ?? '?'}): ${seen(A)}`,
        )
      if (inPlace) checkStateKept(problems, 'after the burst, tab A', A)
      checkLandings(problems, 'tab A', A)
      checkUntouched(problems, 'tab B (/)', B)
      break
    }
    default:
      throw new Error(`unknown scenario ${scenario}`)
  }
  checkPagesNamed(problems, result)
  return problems
}

/**
 * "Never worse than the framework alone", scenario by scenario: what worked without the plugin
 * must still work with it (a fresh tab, an overlay, an untouched tab, fewer loads).
 */
export function regressionsOf(scenario, observed, baseline, app) {
  const result = observed.results[scenario]
  const base = baseline.results[scenario]
  if (base?.error) return [`the scenario could not run without the plugin: ${base.error.split('\n')[0]}`]
  const errors = scenarioError(result)
  if (errors.length) return errors
  const regressions = []
  const compare = (label, withPlugin, without) => {
    if (without.fresh && !withPlugin.fresh)
      regressions.push(`${label} is fresh without the plugin, stale with it: ${seen(withPlugin)}`)
    if (withPlugin.loads > without.loads && (without.fresh ?? without.unchanged) !== false) {
      regressions.push(
        `${label} loaded ${withPlugin.loads} document(s), ${without.loads} without the plugin: ${seen(withPlugin)}`,
      )
    }
    if (!isBroken(without) && isBroken(withPlugin))
      regressions.push(`${label} landed on an error document only with the plugin: ${seen(withPlugin)}`)
    if (without.overlay && !withPlugin.overlay)
      regressions.push(`${label} shows the error overlay without the plugin, not with it: ${seen(withPlugin)}`)
  }
  const isBroken = (tab) => tab.documents.some(isErrorDocument)
  if (scenario === 'syntaxError' || scenario === 'runtimeError') {
    // A framework that renders errors as pages: tab A shows that page where alone it stays stale.
    if (!(scenario === 'runtimeError' && app?.errorsAsPages))
      compare('after the error, tab A', result.broken.A, base.broken.A)
    compare('after the error, tab B', result.broken.B, base.broken.B)
    compare('after the fix, tab A', result.fixed.A, base.fixed.A)
    compare('after the fix, tab B', result.fixed.B, base.fixed.B)
  } else {
    compare('tab A', result.A, base.A)
    compare('tab B', result.B, base.B)
  }
  return regressions
}

/**
 * Rule 6, logs tell the truth: the plugin's decision line for the server-only edit says how many
 * of how many tabs it refreshed; that must be what the two tabs did.
 */
export function logProblemsOf(observed, app) {
  const result = observed.results.serverOnly
  const errors = scenarioError(result)
  if (errors.length) return errors
  const lines = result.logs.filter((line) => line.includes('ssr-hmr'))
  // Reloaded, or updated in place for the plugin's update (not by the framework on its own):
  // the page shows other data with the same document.
  const refreshedInPlace = (tab, before) =>
    tab.texts['#data'] !== before && tab.updatePayloads?.some((update) => update.verdict === 'changed')
  const refreshed = [
    [result.A, result.before.A],
    [result.B, result.before.B],
  ].filter(([tab, before]) => tab.loads > 0 || !tab.marker || refreshedInPlace(tab, before)).length
  if (lines.length === 0)
    return [`the plugin logged nothing about the edit (the tabs: A ${seen(result.A)}; B ${seen(result.B)})`]
  const problems = []
  for (const line of lines) {
    const match = /(\d+) of (\d+) tabs?/.exec(line)
    if (!match) continue
    const [, sent, total] = match.map(Number)
    if (total !== 2) problems.push(`the log counts ${total} tab(s) where 2 are open: ${line.trim()}`)
    if (sent !== refreshed) problems.push(`the log says ${sent} tab(s) refreshed, ${refreshed} did: ${line.trim()}`)
  }
  if (!lines.some((line) => /(\d+) of (\d+) tabs?/.test(line)) && refreshed > 0) {
    problems.push(`${refreshed} tab(s) refreshed and the plugin's log does not say so: ${lines.join(' | ')}`)
  }
  // A tab the plugin updated in place through its framework part says which way it went.
  const { A } = result
  const decidedForA = A.updatePayloads?.some((update) => update.verdict === 'changed')
  const inPlaceByPart = app?.inPlace && observed.position !== 'none' && decidedForA && A.loads === 0 && A.fresh
  if (inPlaceByPart && !lines.some((line) => line.includes(`ssr-hmr in place ${ROUTES.A} (${app.inPlace})`)))
    problems.push(`tab A was updated in place and the log does not say so through ${app.inPlace}: ${lines.join(' | ')}`)
  return problems
}
