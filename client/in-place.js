// The 'auto' strategy: a page whose framework can re-run its server data for the current URL
// is updated through that framework, in place (scroll, typed text and component state kept);
// any other page reloads. Each framework's part is one small file in ./frameworks/, found at
// run time on the page, never assumed from the app's config:
//
//   export default {
//     name: 'vike',
//     // Whether this page runs the framework's client (its API or its marks are on the page).
//     detect() { return … },
//     // Re-runs the page's server data (or server render) for the current URL and puts the
//     // result on screen; resolves once it is there. `update` is the server's
//     // `ssr-hmr:update` payload: `update.roots` names the render's roots (route modules,
//     // loaders) that reach the change, for a framework that can re-run only those.
//     async update(update) { … },
//   }
//
// A file that imports the framework's client (`import { reload } from 'vike/client/router'`)
// names that import on a line `// @ssr-hmr-needs <specifier>`: the dev server serves the file
// only where the app resolves it, and an empty module elsewhere.
//
// Never worse than a reload, never stale: an update that throws, that does not end within
// IN_PLACE_TIMEOUT_MS, or after which the page does not show the fresh render's changed
// texts within SHOWN_TIMEOUT_MS (the server sends them with its verdict, `freshText`) falls
// back to a reload.

import { state } from './state.js'

/** Longest a framework's update may take (its data requests included). */
const IN_PLACE_TIMEOUT_MS = 5000
/** Longest the page may take to show the fresh texts once the update resolved (a render or two). */
const SHOWN_TIMEOUT_MS = 1000
/** Every framework part (one that does not apply to the app is served empty). */
const FRAMEWORKS = [
  () => import('./frameworks/react-router.js'),
  () => import('./frameworks/solid-router.js'),
  () => import('./frameworks/sveltekit.js'),
  () => import('./frameworks/tanstack-router.js'),
  () => import('./frameworks/vike.js'),
]

/** Fetches every framework part (once; ahead of the first edit on a page on 'auto'). */
export function loadFrameworkParts() {
  state.frameworkParts ??= Promise.all(
    FRAMEWORKS.map((load) =>
      load().then(
        (module) => module.default,
        () => undefined,
      ),
    ),
  )
  return state.frameworkParts
}

/**
 * The framework part that can update this page in place now, if any. Looked for at each
 * update: a framework's client may start after this runtime (TanStack Router's router is made
 * by the app's entry).
 */
export async function inPlaceFramework() {
  for (const framework of await loadFrameworkParts()) {
    try {
      if (framework?.detect()) return framework
    } catch {
      // A detection that throws found nothing.
    }
  }
  return undefined
}

/**
 * Updates the page in place through `framework` to the render the server checked. Resolves
 * with `'shown'` once the page shows it, `'failed'` if it does not (the update threw, timed
 * out, or the page lacks a fresh text), or `'superseded'` if `superseded()` turned true
 * meanwhile (a newer update of this tab follows: in a burst, the framework may already show
 * data newer than this update's). Never throws.
 */
export async function updateInPlace(framework, update, superseded) {
  if (update?.verdict !== 'changed' || !update?.freshText) return 'failed'
  const expected = update.freshText.map(decodeText)
  try {
    await withDeadline(framework.update(update), performance.now() + IN_PLACE_TIMEOUT_MS)
    return await showsAll(expected, performance.now() + SHOWN_TIMEOUT_MS, superseded)
  } catch (error) {
    console.warn(`[ssr-hmr] ${framework.name} could not update the page in place: ${error?.message ?? error}`)
    return 'failed'
  }
}

function withDeadline(promise, deadline) {
  return Promise.race([
    promise,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error('timed out')), Math.max(0, deadline - performance.now())),
    ),
  ])
}

/** Whether the document shows every text of `expected` by `deadline` (frameworks render a frame or two after their data). */
async function showsAll(expected, deadline, superseded) {
  for (;;) {
    const shown = normalized(document.body?.textContent ?? '')
    if (expected.every((text) => shown.includes(text))) return 'shown'
    if (superseded()) return 'superseded'
    if (performance.now() >= deadline) return 'failed'
    await new Promise((resolve) => setTimeout(resolve, 16))
  }
}

/** An HTML text run as the document shows it: entities decoded, whitespace collapsed. */
function decodeText(html) {
  const decoder = document.createElement('textarea')
  decoder.innerHTML = html
  return normalized(decoder.value)
}

function normalized(text) {
  return text.replace(/\s+/g, ' ').trim()
}
