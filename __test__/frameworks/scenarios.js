// The scenarios of issue #11, each run in two new tabs against one running dev server:
//
//   serverOnly   an edit of /about's server-only data module
//   shared       an edit of the shared component (server and browser render it)
//   syntaxError  a syntax error in /about's data module, then its fix
//   runtimeError /about's data module throws when evaluated (a render that fails at run
//                time), then its fix
//   burst        ten edits of /about's data module, 30 ms apart

import { burstsSeenBy, writeBurst } from '../helpers/burst.js'
import { ROUTES } from './apps.js'
import { decisionsAbout, isErrorDocument, observeTab, openTabs, settle } from './tabs.js'
import { logsSince } from '../helpers/logs.js'

export const SCENARIOS = ['serverOnly', 'shared', 'syntaxError', 'runtimeError', 'burst']
const BURST_EDITS = 10
const BURST_GAP_MS = 30

/** The non-blank lines the dev server printed from `since` (an index into its logs) on, for the results. */
const logSince = (dev, since) =>
  logsSince(dev, since)
    .map(({ message }) => message)
    .filter((line) => line.trim() !== '')

/**
 * Runs every scenario against one running dev server, each in two new tabs, in order, and
 * returns what each tab did. A scenario that throws is recorded with its error; the next one
 * still runs.
 */
export async function runScenarios({ app, copy, dev, browser, position, scenarios = SCENARIOS }) {
  const results = {}
  for (const scenario of scenarios) {
    const tabs = await openTabs(browser, dev.origin, { expectRuntime: position !== 'none' })
    try {
      results[scenario] = await SCENARIO_STEPS[scenario]({ app, copy, dev, tabs })
    } catch (error) {
      results[scenario] = { error: String(error?.stack ?? error) }
    } finally {
      await tabs.close()
    }
  }
  return results
}

/** The page's own state before the edit (`makeState`) and now; undefined on a page without it. */
async function stateOf(tab, before) {
  return before && { before, after: await tab.pageState() }
}

/** Fetches a route as a browser's next document request would: the server's current output. */
async function fetchDocument(origin, route) {
  const response = await fetch(origin + route, { headers: { accept: 'text/html' } })
  return { status: response.status, contentType: response.headers.get('content-type'), html: await response.text() }
}

/** Breaks /about's data module with `broken` (a source), observes, then fixes it with `token`. */
async function errorThenFix({ app, copy, dev, tabs }, broken, token) {
  const { A, B, clock } = tabs
  const before = { A: await A.text('#data'), B: await B.text('#data') }
  const stateBefore = await A.makeState()
  const since = clock.seq
  const logs = dev.logs.length
  let started = Date.now()
  copy.write(app.data.A.file, broken)
  const quietBroken = await settle(clock, { since: started })
  const brokenA = await observeTab(A, since)
  const brokenB = await observeTab(B, since)
  const brokenLogs = logSince(dev, logs)
  const sinceFix = clock.seq
  const logsFix = dev.logs.length
  started = Date.now()
  copy.write(app.data.A.file, app.data.A.write(token))
  const quietFixed = await settle(clock, { since: started })
  const fixedA = await observeTab(A, sinceFix)
  const fixedB = await observeTab(B, sinceFix)
  return {
    expected: { A: `about ${token}`, B: before.B },
    broken: {
      quiet: quietBroken,
      A: { ...brokenA, overlay: brokenA.overlayShownNow, landedOnError: brokenA.documents.some(isErrorDocument) },
      B: { ...brokenB, unchanged: brokenB.texts['#data'] === before.B },
      logs: brokenLogs,
    },
    fixed: {
      quiet: quietFixed,
      A: {
        ...fixedA,
        fresh: fixedA.texts['#data'] === `about ${token}`,
        landedOnError: fixedA.documents.some(isErrorDocument),
        state: await stateOf(A, stateBefore),
      },
      B: { ...fixedB, unchanged: fixedB.texts['#data'] === before.B },
      logs: logSince(dev, logsFix),
    },
  }
}

const SCENARIO_STEPS = {
  async serverOnly({ app, copy, dev, tabs }) {
    const { A, B, clock } = tabs
    const before = { A: await A.text('#data'), B: await B.text('#data') }
    const stateBefore = await A.makeState()
    const since = clock.seq
    const logs = dev.logs.length
    const token = 'server-only-1'
    const started = Date.now()
    copy.write(app.data.A.file, app.data.A.write(token))
    const quiet = await settle(clock, { since: started })
    const A1 = await observeTab(A, since)
    const B1 = await observeTab(B, since)
    return {
      expected: { A: `about ${token}`, B: before.B },
      quiet,
      A: { ...A1, fresh: A1.texts['#data'] === `about ${token}`, state: await stateOf(A, stateBefore) },
      B: { ...B1, fresh: B1.texts['#data'] === before.B, unchanged: B1.texts['#data'] === before.B },
      before,
      logs: logSince(dev, logs),
    }
  },

  async shared({ app, copy, dev, tabs }) {
    const { A, B, clock } = tabs
    const since = clock.seq
    const logs = dev.logs.length
    const token = 'shared-2'
    const started = Date.now()
    copy.write(app.shared.file, app.shared.edit(copy.read(app.shared.file), token))
    const quiet = await settle(clock, { since: started })
    const A1 = await observeTab(A, since)
    const B1 = await observeTab(B, since)
    // The next server render of each route (observed after the tabs, so it cannot steer them).
    const ssr = { A: await fetchDocument(dev.origin, ROUTES.A), B: await fetchDocument(dev.origin, ROUTES.B) }
    const expected = `shared ${token}`
    return {
      expected: { shared: expected },
      quiet,
      A: {
        ...A1,
        fresh: A1.texts['#shared'] === expected,
        ssrFresh: ssr.A.html.includes(expected),
        ssrStatus: ssr.A.status,
      },
      B: {
        ...B1,
        fresh: B1.texts['#shared'] === expected,
        ssrFresh: ssr.B.html.includes(expected),
        ssrStatus: ssr.B.status,
      },
      logs: logSince(dev, logs),
    }
  },

  syntaxError: (context) => errorThenFix(context, context.app.data.A.broken('broken-3'), 'fixed-3'),
  runtimeError: (context) => errorThenFix(context, context.app.data.A.throwing('thrown-4'), 'recovered-4'),

  async burst({ app, copy, dev, tabs }) {
    const { A, B, clock } = tabs
    const before = { A: await A.text('#data'), B: await B.text('#data') }
    const stateBefore = await A.makeState()
    const since = clock.seq
    const logs = dev.logs.length
    const written = await writeBurst(BURST_EDITS, BURST_GAP_MS, (i) =>
      copy.write(app.data.A.file, app.data.A.write(`burst-${i + 1}`)),
    )
    const quiet = await settle(clock, { since: Date.now() })
    const A1 = await observeTab(A, since)
    const B1 = await observeTab(B, since)
    const expected = `about burst-${BURST_EDITS}`
    // The server's own render now (after the tabs): a stale tab on a fresh server is the
    // browser's race, a stale server is the module runner's.
    const ssr = await fetchDocument(dev.origin, ROUTES.A)
    return {
      expected: { A: expected, B: before.B },
      quiet,
      // How many bursts these edits were: one, unless the writer or the dev server was held
      // up past the batcher's stream gap or the runtime's settle window (helpers/burst.js).
      written: written.note,
      bursts: burstsSeenBy(decisionsAbout(A, since), written),
      A: {
        ...A1,
        fresh: A1.texts['#data'] === expected,
        ssrFresh: ssr.html.includes(expected),
        state: await stateOf(A, stateBefore),
      },
      B: { ...B1, unchanged: B1.texts['#data'] === before.B },
      logs: logSince(dev, logs),
    }
  },
}
