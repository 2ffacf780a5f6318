// The one way the tests wait for something: poll a condition until it holds, or fail with one
// message style, `timed out after <ms> ms waiting for <what>` (and the condition's last error,
// if it threw). Browser, integration, reliability and framework tests all wait through it.

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** The message every wait in the tests fails with. */
export function timedOut(timeout, what, detail = '') {
  return new Error(`timed out after ${timeout} ms waiting for ${what}${detail}`)
}

/**
 * Polls `condition` (sync or async) until it is truthy and resolves with its value; fails
 * with `what` after `timeout`. A throw counts as "not yet": evaluating in a page that is
 * being reloaded throws.
 */
export async function waitUntil(condition, what = 'a condition', { timeout = 15_000, interval = 20 } = {}) {
  const deadline = Date.now() + timeout
  let lastError
  for (;;) {
    try {
      const value = await condition()
      if (value) return value
    } catch (error) {
      lastError = error
    }
    if (Date.now() > deadline) throw timedOut(timeout, what, lastError ? ` (last error: ${lastError.message})` : '')
    await sleep(interval)
  }
}

/**
 * Resolves once `count()` (a tab's documents, its page fetches) has not changed for a second:
 * the tab is done refreshing (polling, no fixed sleep before).
 */
export function untilSteady(count, what) {
  let last = -1
  let steadySince = 0
  return waitUntil(() => {
    const now = count()
    if (now !== last) [last, steadySince] = [now, Date.now()]
    return Date.now() - steadySince > 1000
  }, what)
}
