// Prints the observed table (markdown) from the results the framework tests last wrote:
//   node __test__/frameworks/table.js
// Each cell: what tab A (/about) and tab B (/) did: `in place` (no document replaced) or the
// number of document loads, error pages and overlays, and whether A shows the edit in the end;
// `(2nd attempt)` where the first observation broke a rule (suite.js).

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { APPS } from './apps.js'
import { POSITIONS, RESULTS_DIR } from './observe-app.js'
import { SCENARIOS } from './scenarios.js'
import { isErrorDocument } from './tabs.js'

const POSITION_LABELS = { none: 'without the plugin', after: 'ssrHmr() after', before: 'ssrHmr() before' }

/** What a tab did: `in place` (no document replaced), `1 load`, plus error pages, overlay, fresh/stale. */
function summary(tab, { withFreshness = true } = {}) {
  const fresh = withFreshness ? tab.fresh : undefined
  const notes = [tab.loads === 0 && tab.marker ? 'in place' : `${tab.loads} load${tab.loads === 1 ? '' : 's'}`]
  const errors = tab.documents.filter(isErrorDocument)
  if (errors.length)
    notes.push(
      `error page ${errors.map((doc) => doc.status ?? '?').join(',')}${errors.some((doc) => !doc.viteClient) ? ' without Vite client' : ''}`,
    )
  if (tab.overlayShownNow) notes.push('overlay')
  if (fresh !== undefined) notes.push(fresh ? 'fresh' : 'stale')
  return notes.join(', ')
}

/** Tab B in the scenarios where it should not move: `untouched`, or what happened to it. */
function bystander(tab) {
  if (tab.loads === 0 && tab.marker && tab.unchanged !== false && !tab.overlayShownNow) return 'untouched'
  return summary(tab, { withFreshness: false })
}

function cell(scenario, result) {
  if (!result) return 'not run'
  if (result.error) return `could not run: ${result.error.split('\n')[0].slice(0, 80)}`
  const { A, B } = result
  switch (scenario) {
    case 'serverOnly':
    case 'burst':
      return `A ${summary(A)}; B ${bystander(B)}`
    case 'shared':
      return `A ${summary(A)}; B ${summary(B)}; next SSR ${A.ssrFresh && B.ssrFresh ? 'fresh' : 'stale'}`
    case 'syntaxError':
    case 'runtimeError': {
      const { broken, fixed } = result
      return `A ${summary(broken.A, { withFreshness: false })}${broken.A.overlayShownNow ? '' : ', no overlay'}; B ${bystander(broken.B)} → fix: A ${summary(fixed.A)}; B ${bystander(fixed.B)}`
    }
  }
}

export function table() {
  const files = existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR).filter((name) => name.endsWith('.json')) : []
  const results = new Map(
    files.map((name) => {
      const observed = JSON.parse(readFileSync(path.join(RESULTS_DIR, name), 'utf8'))
      return [`${observed.app}/${observed.position}`, observed]
    }),
  )
  const lines = [
    '| app | plugin | server-only edit | shared edit | syntax error → fix | error thrown at run time → fix | 10-edit burst |',
    '|---|---|---|---|---|---|---|',
  ]
  for (const app of Object.keys(APPS)) {
    for (const position of POSITIONS) {
      const observed = results.get(`${app}/${position}`)
      if (!observed) continue
      const cells = SCENARIOS.map((scenario) => {
        const again = observed.firstAttempts?.[scenario] ? ' (2nd attempt)' : ''
        return cell(scenario, observed.results[scenario]) + again
      })
      lines.push(`| ${APPS[app].label} | ${POSITION_LABELS[position]} | ${cells.join(' | ')} |`)
    }
  }
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(table())
