// One framework's test file: the app without the plugin first (the baseline), then with
// ssrHmr() after and before the framework's plugins, each a fresh copy of the installed app
// and its own dev server, every scenario in two Chromium tabs. The tests then check what was
// observed against issue #11's rules; a failing test lists every rule broken and what the tabs
// did. Observations are also written to RESULTS_DIR (see table.js).
//
// A scenario that breaks a rule is observed once more, on a new copy and dev server, and the
// second observation is the one checked: the frameworks' own HMR misses now and then on a
// loaded machine, with or without the plugin. The first attempt is kept in the results
// (`firstAttempts`) and said on stderr; a rule broken twice fails.

import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium } from '../helpers/browser.js'
import { APPS } from './apps.js'
import { logProblemsOf, problemsOf, regressionsOf } from './expectations.js'
import { observeApp, saveObserved } from './observe-app.js'

const RUN_TIMEOUT_MS = 300_000

const TITLES = {
  serverOnly:
    "server-only edit of /about's data: tab A fresh (no document load where the framework updates in place), tab B untouched",
  shared: 'shared component edit: client HMR in both tabs, no reload, the next server render fresh',
  syntaxError:
    "syntax error in /about's data: overlay in tab A, never an error page, tab B untouched; the fix refreshes tab A",
  runtimeError:
    'data module that throws at run time: overlay in tab A, never an error page, tab B untouched; the fix refreshes tab A',
  burst: 'burst of 10 edits: tab A refreshed at most twice and ends fresh, tab B untouched',
}

const POSITION_TITLES = {
  after: (app) => `plugins: [${app.plugins}, ssrHmr()]`,
  before: (app) => `plugins: [ssrHmr(), ${app.plugins}]`,
}

const NODE_MAJOR = Number(process.versions.node.split('.')[0])

/**
 * Whether this Node runs the app: not below the app's own minimum, and, in `npm test`'s pass
 * on a second Node (SSR_HMR_FRAMEWORKS_MIN_NODE), only the apps the first pass could not run,
 * so the slow framework runs happen once per CI run.
 */
export function runsHere(app) {
  const passMinimum = Number(process.env.SSR_HMR_FRAMEWORKS_MIN_NODE ?? 0)
  return NODE_MAJOR >= app.node && app.node >= passMinimum
}

/** The scenarios of `observed` that break a rule, or are worse than `baseline`. */
function brokenScenarios(scenarios, observed, baseline, app) {
  return scenarios.filter(
    (scenario) =>
      problemsOf(scenario, observed, baseline, app).length > 0 ||
      regressionsOf(scenario, observed, baseline, app).length > 0,
  )
}

/** Observes the app at `position`; a scenario that broke a rule is observed once more (see the top). */
async function observeChecked(appName, position, { browser, baseline, checked }) {
  const app = APPS[appName]
  const observed = await observeApp(appName, position, { browser })
  const broken = brokenScenarios(checked, observed, baseline, app)
  if (broken.length > 0) {
    console.warn(
      `${app.label}, ${position}: ${broken.join(', ')} broke a rule; observing again on a new dev server (first log: ${observed.logFile})`,
    )
    const again = await observeApp(appName, position, { browser, scenarios: broken })
    observed.firstAttempts = Object.fromEntries(broken.map((scenario) => [scenario, observed.results[scenario]]))
    Object.assign(observed.results, again.results)
    observed.firstAttemptLogFile = observed.logFile
    observed.logFile = again.logFile
  }
  saveObserved(observed)
  return observed
}

/**
 * @param {keyof typeof APPS} appName
 * @param {object} options
 * @param {Record<string, string>} [options.leftOut] scenarios known to fail for a reason outside
 *   this app (what is missing, where it is being made): their tests are skipped, with the
 *   reason in the title, and "never worse" does not count them. Remove an entry as soon as
 *   the reason is gone.
 */
export function describeFramework(appName, { plugins, positions = ['after', 'before'], leftOut = {} }) {
  const app = APPS[appName]
  const checked = Object.keys(TITLES).filter((scenario) => !Object.hasOwn(leftOut, scenario))
  describe.skipIf(!runsHere(app))(app.label, () => {
    let browser
    let baseline
    beforeAll(async () => {
      browser = await launchChromium()
      baseline = await observeApp(appName, 'none', { browser })
      saveObserved(baseline)
    }, RUN_TIMEOUT_MS)
    afterAll(async () => {
      await browser?.close()
    })

    for (const position of positions) {
      describe(POSITION_TITLES[position]({ plugins }), () => {
        let observed
        beforeAll(async () => {
          observed = await observeChecked(appName, position, { browser, baseline, checked })
        }, RUN_TIMEOUT_MS)

        for (const [scenario, title] of Object.entries(TITLES)) {
          test.skipIf(Object.hasOwn(leftOut, scenario))(
            Object.hasOwn(leftOut, scenario) ? `${title} (left out: ${leftOut[scenario]})` : title,
            () => {
              expect(
                problemsOf(scenario, observed, baseline, app),
                `${app.label}, ${position}, ${scenario}: dev server log ${observed.logFile}`,
              ).toEqual([])
            },
          )
        }

        test('never worse than without the plugin, in any scenario', () => {
          const regressions = checked.flatMap((scenario) =>
            regressionsOf(scenario, observed, baseline, app).map((text) => `${scenario}: ${text}`),
          )
          expect(
            regressions,
            `${app.label}, ${position}: dev server logs ${observed.logFile} and ${baseline.logFile}`,
          ).toEqual([])
        })

        test('the log line for the server-only edit says what the tabs did', () => {
          expect(logProblemsOf(observed, app), `${app.label}, ${position}: dev server log ${observed.logFile}`).toEqual(
            [],
          )
        })
      })
    }
  })
}
