// The dev servers of one project (its members, see `lib/project.js`). Nearly always one; a
// meta-framework like vinxi runs several in one process for one root (client, ssr, server
// functions), and they act as one: one core mirrors every server's graphs (a later server's
// environments are named `<name>@<n>` there), and a decision reaches the tabs connected to any
// server. Each server's number is also its browser channel's in the core.

import { BrowserChannel } from './browser-channel.js'
import { debug } from './logger.js'

/**
 * One dev server of the project.
 * @typedef {object} Member
 * @property {number} id its number, and its browser channel's, in the core
 * @property {import('vite').ViteDevServer} server
 * @property {Record<string, import('vite').DevEnvironment>} environments
 * @property {Map<import('vite').DevEnvironment, string>} names each environment's name in the core
 * @property {BrowserChannel} channel what is sent to this server's browsers
 * @property {(() => void)[]} disposers run when the server leaves
 * @property {import('vite').DevEnvironment} last the environment whose hooks Vite runs last
 */

export class SessionMembers {
  /** @type {Member[]} in the order they joined */
  #members = []
  #joined = 0

  /**
   * Adds a dev server: its environments join the core's mirror (named as they are, or
   * `<name>@<n>` where another server has that name), and its browser channel is read.
   * @param {import('./dev-session.js').DevSession} session
   */
  join(session, server) {
    const id = ++this.#joined
    const taken = new Set(this.#members.flatMap((member) => [...member.names.values()]))
    const names = new Map()
    for (const environment of Object.values(server.environments)) {
      const name = taken.has(environment.name) ? `${environment.name}@${id}` : environment.name
      names.set(environment, name)
      session.registerEnvironment(environment, name)
    }
    const channel = new BrowserChannel(session, server.environments.client.hot, {
      id,
      watcher: server.watcher,
      serverHot: server.hot,
    })
    if (this.#members.length)
      debug(`a dev server joined the project at ${session.root}: ${[...names.values()].join(', ')}`)
    // The environments as they were at start: on a restart Vite copies the new server's fields
    // onto the old server object, and the old session must still know its own when they close.
    const environments = server.environments
    this.#members.push({ id, server, environments, names, channel, disposers: [], last: lastToRun(environments) })
  }

  /** The member (dev server) an environment belongs to. */
  of(environment) {
    return this.#members.find((member) => member.names.has(environment))
  }

  /** The member whose server is `server` (hooks get a proxy: matched by config). */
  ofServer(server) {
    return this.#members.find((member) => member.server.config === server?.config)
  }

  /** Whether `server` restarts one of the members (Vite reuses its inline config). */
  restarts(server) {
    return this.#members.some((member) => member.server.config.inlineConfig === server.config.inlineConfig)
  }

  /** Removes a member; returns how many are left. */
  remove(member) {
    this.#members.splice(this.#members.indexOf(member), 1)
    return this.#members.length
  }

  /** Removes every member, for the session's end. */
  takeAll() {
    return this.#members.splice(0)
  }

  get first() {
    return this.#members[0]
  }

  get ids() {
    return this.#members.map((member) => member.id)
  }

  get size() {
    return this.#members.length
  }

  channelById(id) {
    return this.#members.find((member) => member.id === id)?.channel
  }

  /** Every environment of the project by its core name (one server's: its own record of them). */
  get environments() {
    if (this.#members.length === 1) return this.#members[0].environments
    const environments = {}
    for (const member of this.#members) for (const [environment, name] of member.names) environments[name] = environment
    return environments
  }

  *servers() {
    for (const member of this.#members) yield member.server
  }

  /** Every websocket client of every server of the project. */
  *clients() {
    for (const member of this.#members) yield* member.server.ws.clients
  }

  clientCount() {
    let count = 0
    for (const member of this.#members) count += member.server.ws.clients.size
    return count
  }

  /** Sends a payload to the browsers of every server, past the interception. */
  broadcast(payload) {
    for (const member of this.#members) member.channel.send(payload)
  }
}

/**
 * The environment whose hooks run last for a change: Vite runs the client environment's first,
 * then the others in their order, so it is not `.at(-1)` when an app lists `client` last
 * (plugin-rsc's `rsc, ssr, client`).
 */
function lastToRun(environments) {
  const all = Object.values(environments)
  return all.filter((environment) => environment.name !== 'client').at(-1) ?? all.at(-1)
}
