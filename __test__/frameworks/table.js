// Prints the observed table (markdown) from the results the framework tests last wrote:
//   node __test__/frameworks/table.js
// Each cell: document loads in tab A / tab B, and what tab A shows in the end.

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { APPS } from './apps.js'
import { isErrorDocument, POSITIONS, RESULTS_DIR } from './harness.js'

const POSITION_LABELS = { none: 'without the plugin', after: 'ssrHmr() after', before: 'ssrHmr() before' }

/** `1 / 0`, with what is notable: kept (no reload, marker kept), error page, overlay. */
function loads(A, B) {
  return `${A.loads} / ${B.loads}`
}

function state(tab, { fresh = tab.fresh } = {}) {
  const notes = []
  if (tab.documents.some(isErrorDocument)) notes.push(`error page (${tab.documents.filter(isErrorDocument).map((doc) => doc.status).join(',')})`)
  if (tab.overlayShownNow) notes.push('overlay')
  if (fresh !== undefined) notes.push(fresh ? 'fresh' : 'stale')
  if (tab.loads === 0 && tab.marker) notes.push('in place')
  return notes.join(', ')
}

function cell(scenario, result) {
  if (!result) return 'not run'
  if (result.error) return `error: ${result.error.split('\n')[0].slice(0, 80)}`
  const { A, B } = result
  switch (scenario) {
    case 'serverOnly':
    case 'burst':
      return `${loads(A, B)}; A ${state(A)}${B.unchanged === false || B.loads || !B.marker ? '; B refreshed' : ''}`
    case 'shared':
      return `${loads(A, B)}; A ${state(A)}, B ${state(B)}; SSR ${A.ssrFresh && B.ssrFresh ? 'fresh' : 'stale'}`
    case 'syntaxError': {
      const { broken, fixed } = result
      return `error: ${loads(broken.A, broken.B)}; A ${state(broken.A, { fresh: undefined }) || 'nothing'}${broken.B.overlayShownNow ? '; B overlay' : ''} → fix: ${loads(fixed.A, fixed.B)}; A ${state(fixed.A)}`
    }
  }
}

export function table() {
  const files = existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR).filter((name) => name.endsWith('.json')) : []
  const results = new Map(files.map((name) => {
    const observed = JSON.parse(readFileSync(path.join(RESULTS_DIR, name), 'utf8'))
    return [`${observed.app}/${observed.position}`, observed]
  }))
  const lines = [
    '| app | plugin | server-only edit (loads A / B) | shared edit | syntax error → fix | 10-edit burst |',
    '|---|---|---|---|---|---|',
  ]
  for (const app of Object.keys(APPS)) {
    for (const position of POSITIONS) {
      const observed = results.get(`${app}/${position}`)
      if (!observed) continue
      const r = observed.results
      lines.push(`| ${APPS[app].label} | ${POSITION_LABELS[position]} | ${cell('serverOnly', r.serverOnly)} | ${cell('shared', r.shared)} | ${cell('syntaxError', r.syntaxError)} | ${cell('burst', r.burst)} |`)
    }
  }
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(table())
