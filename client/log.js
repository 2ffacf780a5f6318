import { currentUrl } from './server.js'

/** `[ssr-hmr] src/data/team.js changed: /about re-rendered differently, reloading`. */
export function log(payload, what) {
  const files = payload?.files ?? {}
  const changed = [...(files.serverOnly ?? []), ...(files.watched ?? [])]
  const subject =
    changed.length === 0
      ? 'a refresh this tab missed'
      : `${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ` and ${changed.length - 3} more` : ''} changed`
  console.debug(`[ssr-hmr] ${subject}: ${currentUrl()} ${what}`)
}
