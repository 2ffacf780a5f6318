// The three-way patch: how 'auto' updates a page without a framework part (server-rendered
// HTML: Astro pages around their islands, Hono JSX, hand-written SSR). The server keeps what it
// sent this tab (its *base* render, lib/render-html.js); the check fetched the fresh render.
// What differs between the two is found, and only that is applied to the live DOM, at the
// same place, and only where the live DOM still shows the base there (an element's changed
// attributes one by one, a changed subtree whole). What client code
// changed elsewhere (a hydrated island, a client-rendered mount point, typed text, an open
// <details>) survives: it is no part of the change.
//
// Unsure means reload: the base is gone, the head changed (other than <title>), a script is
// part of a change (a patch cannot run it), or client code changed the very nodes the edit
// changes (a conflict). strategy.js then reloads, as it does when the page does not show the
// fresh render's texts afterwards (in-place.js).

import { CONFIG } from './config.js'
import { inPlaceFramework } from './in-place.js'
import { metaStrategy } from './page-strategy.js'
import { state } from './state.js'

const VOLATILE = 'data-ssr-hmr-volatile'
/** Attributes that differ between renders of the same page (`html_fingerprint.rs` skips them too). */
const IGNORED_ATTRIBUTES = new Set(['nonce'])
/** Vite's `?t=<ms>` on URLs, which the fingerprint skips too. */
const TIMESTAMP_PARAM_RE = /([?&])t=\d+(&?)/g
/** Where the runtime is served: `<base>@id/…`; a render's HTML is under the same base. */
const BASE_URL = import.meta.url.slice(0, import.meta.url.indexOf('/@id/') + 1) || '/'

/**
 * The part that patches this page to `page` (the check's fresh render), shaped as a
 * framework's part for updateInPlace (in-place.js); undefined when there is nothing to patch
 * from: this document shows no known render, or the check's answer is not this page's HTML.
 */
export function htmlPatch(page) {
  const base = state.shownRender
  if (base === undefined || !page || page.url !== location.href) return undefined
  if (page.redirected || !page.isHtml || page.status < 200 || page.status >= 300) return undefined
  const part = {
    name: 'three-way-patch',
    shownAs: undefined,
    async update() {
      const elements = await patchDocument(base, page)
      part.shownAs = `patched in place (${elements} ${elements === 1 ? 'element' : 'elements'})`
    },
  }
  return part
}

/**
 * Starts fetching the base of a patch, the render this tab shows, unless it is here already:
 * a check calls it as it starts, so that the fetch runs while the server renders the check
 * instead of after its verdict. Only a page that may be patched asks: on 'auto', with no
 * framework part to update it.
 */
export async function prefetchBase() {
  const render = state.shownRender
  if (render === undefined || (metaStrategy() ?? CONFIG.refresh) !== 'auto') return
  if (!(await inPlaceFramework()) && render === state.shownRender) baseDocument(render)
}

/** Render `render`'s HTML, parsed: fetched once, or the fresh render the last patch applied. */
function baseDocument(render) {
  if (state.baseDocument?.render !== render) {
    const entry = { render, document: fetchBaseDocument(render) }
    // A failed fetch is not kept: the next check asks again.
    entry.document.catch(() => {
      if (state.baseDocument === entry) state.baseDocument = undefined
    })
    state.baseDocument = entry
  }
  return state.baseDocument.document
}

async function fetchBaseDocument(render) {
  const response = await fetch(`${BASE_URL}${CONFIG.renderPath}${render}`, {
    credentials: 'same-origin',
    cache: 'no-store',
  })
  if (!response.ok) throw new Error(`the dev server no longer has the render this tab shows (${response.status})`)
  return new DOMParser().parseFromString(await response.text(), 'text/html')
}

/**
 * Patches the live document from render `base` to `page` (the check's fresh render); resolves
 * with the elements changed. Neither parsed document is changed (fresh nodes are imported), so
 * the fresh one is the base of the next patch.
 */
async function patchDocument(base, page) {
  const url = location.href
  const before = await baseDocument(base)
  if (location.href !== url) throw new Error('the tab moved to another page meanwhile')
  const after = new DOMParser().parseFromString(page.text, 'text/html')
  if (!sameAttributes(before.documentElement, after.documentElement)) throw new Error('the <html> attributes changed')
  if (!sameNodes(withoutTitle(before.head), withoutTitle(after.head))) throw new Error('the <head> changed')

  const patches = []
  diffElement(before.body, after.body, [], patches)
  // Every place is found and checked before anything changes: a conflict leaves the page as it was.
  const targets = patches.map((patch) => (patch.attributes ? locateAttributes(patch) : locate(patch)))
  for (const target of targets) target.apply()
  if (before.title !== after.title) document.title = after.title
  if (page.render !== undefined) state.baseDocument = { render: page.render, document: Promise.resolve(after) }
  return new Set(targets.map((target) => target.element)).size
}

/** Two elements of the same tag: their attributes, then their children. */
function diffElement(base, fresh, path, patches) {
  if (!sameAttributes(base, fresh))
    patches.push({ path, nodeName: base.nodeName, attributes: changedAttributes(base, fresh) })
  diffChildren(base, fresh, path, patches)
}

/**
 * Finds where the children of `base` and `fresh` (two elements of the same tag) differ,
 * smallest subtrees first: children equal at both ends are left; if as many differ on each
 * side, each pair of elements of the same tag is compared (attributes, then inside), any other
 * pair is replaced; else the differing run of children is replaced by the fresh run. `path`:
 * child indexes from <body>.
 */
function diffChildren(base, fresh, path, patches) {
  const b = childrenOf(base)
  const f = childrenOf(fresh)
  let start = 0
  while (start < b.length && start < f.length && sameNode(b[start], f[start])) start++
  let endB = b.length
  let endF = f.length
  while (endB > start && endF > start && sameNode(b[endB - 1], f[endF - 1])) {
    endB--
    endF--
  }
  if (endB - start === endF - start) {
    for (let i = start; i < endB; i++) {
      if (sameNode(b[i], f[i])) continue
      if (sameTag(b[i], f[i])) diffElement(b[i], f[i], [...path, i], patches)
      else patches.push({ path, start: i, base: [b[i]], fresh: [f[i]], after: b[i + 1] })
    }
    return
  }
  // Children were added or removed: the ones that stayed (same tag and id, or equal) are paired
  // and compared; each run between them is replaced by the fresh run.
  let [i, j] = [start, start]
  for (const [pairB, pairF] of [...pairsOf(b, f, start, endB, endF), [endB, endF]]) {
    if (pairB > i || pairF > j)
      patches.push({ path, start: i, base: b.slice(i, pairB), fresh: f.slice(j, pairF), after: b[pairB] })
    if (pairB < endB && !sameNode(b[pairB], f[pairF])) diffElement(b[pairB], f[pairF], [...path, pairB], patches)
    ;[i, j] = [pairB + 1, pairF + 1]
  }
}

/** Longest runs compared for pairs (a longest common subsequence, quadratic). */
const MAX_PAIRED = 256

/**
 * Index pairs `[inB, inF]` of the children in `b[start, endB)` and `f[start, endF)` that stay
 * (a longest common subsequence under `stays`), in order; none past MAX_PAIRED children.
 */
function pairsOf(b, f, start, endB, endF) {
  const [n, m] = [endB - start, endF - start]
  if (n > MAX_PAIRED || m > MAX_PAIRED) return []
  const lengths = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1))
  for (let x = n - 1; x >= 0; x--)
    for (let y = m - 1; y >= 0; y--)
      lengths[x][y] = stays(b[start + x], f[start + y])
        ? lengths[x + 1][y + 1] + 1
        : Math.max(lengths[x + 1][y], lengths[x][y + 1])
  const pairs = []
  for (let x = 0, y = 0; x < n && y < m;) {
    if (stays(b[start + x], f[start + y])) pairs.push([start + x++, start + y++])
    else if (lengths[x + 1][y] >= lengths[x][y + 1]) x++
    else y++
  }
  return pairs
}

/** The same child in both renders, maybe changed inside: an equal node, or an element of the same tag and id. */
function stays(a, b) {
  return sameNode(a, b) || (sameTag(a, b) && a.id === b.id)
}

/** The live element at `path` (child indexes from <body>). */
function liveAt(path) {
  let element = document.body
  for (const index of path) {
    element = childrenOf(element)[index]
    if (!element) throw new Error('the page changed where the edit did')
  }
  return element
}

/**
 * An element's attributes the edit changed, set on the live element: each must still have its
 * served value there (what client code set on other attributes, such as an island's, stays).
 */
function locateAttributes({ path, nodeName, attributes }) {
  const element = liveAt(path)
  if (element.nodeName !== nodeName) throw new Error('the page changed where the edit did')
  for (const { name, base } of attributes) {
    if (withoutTimestamp(element.getAttribute(name) ?? undefined) !== withoutTimestamp(base))
      throw new Error(`client code changed the ${name} attribute the edit changes`)
  }
  const apply = () => {
    for (const { name, fresh } of attributes) {
      if (fresh === undefined) element.removeAttribute(name)
      else element.setAttribute(name, fresh)
    }
  }
  return { element, apply }
}

/** The live nodes a patch replaces, checked against its base: a conflict throws. */
function locate(patch) {
  const parent = liveAt(patch.path)
  const live = childrenOf(parent).slice(patch.start, patch.start + patch.base.length)
  if (live.length !== patch.base.length || live.some((node, i) => !sameNode(node, patch.base[i])))
    throw new Error('client code changed what the edit changes')
  // Nodes only inserted are placed before the live node that followed them in the base.
  const next = childrenOf(parent)[patch.start + patch.base.length]
  if (patch.base.length === 0 && patch.after && !(next && stays(next, patch.after)))
    throw new Error('client code changed where the edit inserts')
  if ([...patch.base, ...patch.fresh].some(hasScript)) throw new Error('a script is part of the change')
  const apply = () => {
    // DOMParser marks its scripts as already run, and none is inserted anyway (above).
    const nodes = patch.fresh.map((node) => document.importNode(node, true))
    const anchor = live[0] ?? next ?? null
    for (const node of nodes) parent.insertBefore(node, anchor)
    for (const node of live) node.remove()
  }
  // The log counts elements changed: a changed run of text counts as its parent.
  const replaced = live.length === 1 && live[0].nodeType === Node.ELEMENT_NODE ? live[0] : parent
  return { element: replaced, apply }
}

function childrenOf(node) {
  return Array.from(node.nodeName === 'TEMPLATE' ? node.content.childNodes : node.childNodes)
}

function withoutTitle(head) {
  return childrenOf(head).filter((node) => node.nodeName !== 'TITLE')
}

function hasScript(node) {
  return node.nodeName === 'SCRIPT' || (node.nodeType === Node.ELEMENT_NODE && !!node.querySelector('script'))
}

/**
 * Elements of the same tag: their attributes and what is inside may differ. A script is
 * compared whole (a patch inside it would not run it), and so is a template.
 */
function sameTag(a, b) {
  return (
    a.nodeType === Node.ELEMENT_NODE &&
    b.nodeType === Node.ELEMENT_NODE &&
    a.nodeName === b.nodeName &&
    a.nodeName !== 'TEMPLATE' &&
    a.nodeName !== 'SCRIPT' &&
    !a.hasAttribute(VOLATILE)
  )
}

/** Equal as renders go: what the fingerprint does not count (volatile elements, nonces, `?t=`) is left out. */
function sameNode(a, b) {
  if (a.nodeType !== b.nodeType || a.nodeName !== b.nodeName) return false
  if (a.nodeType !== Node.ELEMENT_NODE) return a.nodeValue === b.nodeValue
  if (a.hasAttribute(VOLATILE) && b.hasAttribute(VOLATILE)) return true
  return sameAttributes(a, b) && sameNodes(childrenOf(a), childrenOf(b))
}

function sameNodes(a, b) {
  return a.length === b.length && a.every((node, i) => sameNode(node, b[i]))
}

function sameAttributes(a, b) {
  const attributes = (element) =>
    Array.from(element.attributes).filter((attribute) => !IGNORED_ATTRIBUTES.has(attribute.name))
  const ofA = attributes(a)
  const ofB = attributes(b)
  return (
    ofA.length === ofB.length &&
    ofA.every((attribute) => withoutTimestamp(b.getAttribute(attribute.name)) === withoutTimestamp(attribute.value))
  )
}

/** `[{ name, base, fresh }]`: each attribute whose value differs (undefined: absent). */
function changedAttributes(base, fresh) {
  const names = new Set([...base.getAttributeNames(), ...fresh.getAttributeNames()])
  const changed = []
  for (const name of names) {
    if (IGNORED_ATTRIBUTES.has(name)) continue
    const [before, after] = [base.getAttribute(name) ?? undefined, fresh.getAttribute(name) ?? undefined]
    if (withoutTimestamp(before) !== withoutTimestamp(after)) changed.push({ name, base: before, fresh: after })
  }
  return changed
}

function withoutTimestamp(value) {
  return value?.replace(TIMESTAMP_PARAM_RE, (_, separator, more) => (more ? separator : ''))
}
