// The one process-wide registry of the plugin: the live session of each project root. Vite
// runs one dev server per project, and the plugin's state lives in that server's session; but
// a meta-framework may run several Vite dev servers in one process for one root, each with its
// own plugin instances, graphs and websocket (vinxi: SolidStart 1, TanStack Start before
// 1.121, Analog run a client, an ssr and a server-functions server). They must act as one: the
// browser connects to the client server while the ssr server renders, so a decision made for
// the ssr server's change must reach tabs connected to the client server, and a file is shared
// when the client server's graph has it. So a server whose project already has a live session
// in this process joins it (`DevSession.join`) instead of starting its own, and leaves it when
// its environments close; the session and its entry here end with its last server.
//
// A restart is not a second server: Vite creates the new server from the old one's inline
// config before closing the old one, and the new server starts a session of its own.

import { DevSession } from './dev-session.js'

/** @type {Map<string, DevSession>} project root → its live session */
const sessionsByRoot = new Map()

/**
 * The session `server` belongs to: the live one of its root, joined, or a new one.
 * @param {import('vite').ViteDevServer} server
 */
export function joinProject(binding, options, server) {
  const root = server.config.root
  const live = sessionsByRoot.get(root)
  if (live && !live.disposed && !live.restarts(server)) {
    live.join(server)
    return live
  }
  const session = new DevSession(binding, options, server)
  sessionsByRoot.set(root, session)
  session.onDispose(() => {
    if (sessionsByRoot.get(root) === session) sessionsByRoot.delete(root)
  })
  return session
}
