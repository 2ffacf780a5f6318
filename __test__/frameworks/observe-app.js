// One app at one plugin position, observed: a fresh copy of the installed app, its dev server
// (the framework's CLI), every scenario in two Chromium tabs; `saveObserved` writes it as JSON.

import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { launchChromium } from '../helpers/browser.js'
import { APPS } from './apps.js'
import { startFrameworkDevServer } from './dev-server-process.js'
import { copyApp, WORK_DIR } from './install.js'
import { runScenarios } from './scenarios.js'

export const POSITIONS = ['none', 'after', 'before']
export const RESULTS_DIR = path.join(WORK_DIR, 'results')

/** Everything for one app at one plugin position: a fresh copy, its dev server, every scenario (or `scenarios`). */
export async function observeApp(appName, position, { browser, scenarios } = {}) {
  const app = APPS[appName]
  const copy = await copyApp(appName)
  const ownBrowser = !browser
  browser ??= await launchChromium()
  let dev
  try {
    dev = await startFrameworkDevServer(copy, position)
    const results = await runScenarios({ app, copy, dev, browser, position, scenarios })
    return { app: appName, label: app.label, position, install: copy.install, results, logFile: dev.logFile }
  } finally {
    await dev?.close()
    if (ownBrowser) await browser.close()
    copy.remove()
  }
}

/** Writes what was observed (JSON) under RESULTS_DIR, for the observed table (table.js). */
export function saveObserved(observed) {
  mkdirSync(RESULTS_DIR, { recursive: true })
  writeFileSync(path.join(RESULTS_DIR, `${observed.app}-${observed.position}.json`), JSON.stringify(observed, null, 2))
}
