// Browser runtime of vite-plugin-ssr-hmr, loaded in every page that loads Vite's client (dev
// only). It tells the dev server which URL this tab shows and which server render it was
// served (`ssr-hmr:page`), answers the server's checks (`ssr-hmr:check`), and carries out the
// refresh the server decided (`ssr-hmr:update`):
//   'reload'  reload the page;
//   'morph'   morph the document in place to the page's new HTML (idiomorph), keeping
//             scroll, focus, typed text, open <details>/<dialog> and permanent subtrees;
//   'event'   nothing: frameworks re-fetch their own data on the `ssr-hmr:update` event;
//   'auto'    in place: through the page's framework where it has one (in-place.js), else by a
//             three-way patch of the server-rendered HTML (patch.js); a reload if neither can.
// The page can override the configured strategy with <meta name="ssr-hmr" content="…">.
//
// A change that may have made this page stale first reaches the tab as `ssr-hmr:check`: the
// tab fetches its own URL (its cookies, its query) with the check's token; the server
// compares that render with the one the tab shows and answers with `ssr-hmr:update`, whose
// verdict says whether the page changed. An unchanged page is left alone; a morph uses the
// HTML the check fetched; a page that now answers with a server error shows it in an overlay
// (also what `ssr-hmr:error` brings) instead of being reloaded into it.
//
// Bursts (branch switch, save-all, codegen) reach a tab as several updates, each sent once the
// server has applied the edits so far. The first one refreshes at once; the ones the server
// marks as part of the same stream (`settling`) fold into one trailing refresh, `settleMs`
// after the last of them; a lone edit meanwhile brings it forward. A burst costs a tab at most
// two refreshes, and a lone edit is never delayed. Bursts are the server's to tell: a tab that
// heard nothing of a burst's start still folds the rest of it.
//
// This file wires the events and starts the tab; each concern has its file beside it:
//   state.js     everything the tab knows, in one object
//   config.js    the core's contract and the plugin's options, filled in when served
//   page-strategy.js  the strategy the page picks (<meta name="ssr-hmr">)
//   server.js    page reports to the server, fetching the page
//   check.js     answering checks          update.js   acting on a verdict
//   burst.js     folding bursts            strategy.js which refresh, and doing it
//   reload.js    reloading                 morph.js    morphing
//   in-place.js  updating through the page's framework (frameworks/: one file per framework)
//   patch.js     the three-way patch, for a page without a framework part
//   overlay.js   the error overlay         log.js      the console line per update

import { onCheck, noteCheckError } from './check.js'
import { CONFIG } from './config.js'
import { loadFrameworkParts } from './in-place.js'
import { loadIdiomorph } from './morph.js'
import { showError } from './overlay.js'
import { CHECK_EVENT, ERROR_EVENT, UPDATE_EVENT, documentStamp, reportPage, watchNavigation } from './server.js'
import { saveBurst, state } from './state.js'
import { pageStrategy, refreshLater } from './strategy.js'
import { onUpdate } from './update.js'

if (import.meta.hot) {
  import.meta.hot.on(ERROR_EVENT, (data) => {
    // The error a check's render failed with comes before its verdict: it is what to show.
    noteCheckError()
    showError(data?.err)
  })
  import.meta.hot.on(CHECK_EVENT, onCheck)
  import.meta.hot.on(UPDATE_EVENT, onUpdate)
  watchNavigation()
  reportPage()
  resumeAfterOwnReload()
  // Pages that morph fetch idiomorph ahead of the first edit; those on 'auto' their framework parts.
  const strategy = pageStrategy(CONFIG.refresh)
  if (strategy === 'morph') loadIdiomorph().catch(() => {})
  if (strategy === 'auto') loadFrameworkParts()
}

/**
 * This load may be our own reload (read once: a later manual reload is not). The burst may
 * still be going on, so it counts as activity. If an update reached the previous page after
 * the reload had started, the document we got may predate that edit: for a stamped render the
 * server knows (render epochs) and refreshes this tab itself; only a document without a stamp
 * ends the burst with one more refresh of its own.
 */
function resumeAfterOwnReload() {
  const { burst } = state
  const reloadedAt = burst.reloadAt
  if (reloadedAt === undefined) return
  delete burst.reloadAt
  burst.activeAt = Date.now()
  saveBurst()
  if (burst.updateAt > reloadedAt && documentStamp() === undefined) refreshLater(pageStrategy(CONFIG.refresh))
}
