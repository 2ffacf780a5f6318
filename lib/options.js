// Options are validated once, when the plugin is created, so a typo fails at config time with
// the option's name and what it allows instead of misbehaving on the first edit.

import { CONTRACT } from './contract.js'

export { settleMsOf } from './contract.js'
export const PLUGIN_NAME = 'vite-plugin-ssr-hmr'

const REFRESH_STRATEGIES = CONTRACT.browser.strategies
const FRAMEWORK_RELOADS = ['replace', 'keep']

const { quietMs: DEFAULT_QUIET_MS, maxWaitMs: DEFAULT_MAX_WAIT_MS, maxMs: MAX_BATCH_MS } = CONTRACT.batch

/** @typedef {import('../index.d.ts').SsrHmrOptions} SsrHmrOptions */

/**
 * @typedef {object} ResolvedOptions
 * @property {(environment: import('vite').DevEnvironment) => boolean} isServerEnvironment
 * @property {'reload' | 'morph' | 'event' | 'auto'} refresh
 * @property {string[]} watch
 * @property {{ quietMs: number, maxWaitMs: number }} batch
 * @property {'replace' | 'keep'} frameworkReloads
 */

const validators = {
  environments(value) {
    if (typeof value === 'function') return
    if (Array.isArray(value) && value.every((name) => typeof name === 'string' && name !== '')) return
    return 'an array of environment names or a function (environment) => boolean'
  },
  refresh(value) {
    if (REFRESH_STRATEGIES.includes(value)) return
    return `one of ${REFRESH_STRATEGIES.map((s) => JSON.stringify(s)).join(', ')}`
  },
  frameworkReloads(value) {
    if (FRAMEWORK_RELOADS.includes(value)) return
    return `one of ${FRAMEWORK_RELOADS.map((s) => JSON.stringify(s)).join(', ')}`
  },
  watch(value) {
    if (typeof value === 'string' && value !== '') return
    if (Array.isArray(value) && value.every((glob) => typeof glob === 'string' && glob !== '')) return
    return 'a glob string or an array of glob strings'
  },
  batch(value) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return 'an object { quietMs?: number, maxWaitMs?: number }'
    }
    for (const key of Object.keys(value)) {
      if (key !== 'quietMs' && key !== 'maxWaitMs') {
        return `an object { quietMs?: number, maxWaitMs?: number } (unknown key ${JSON.stringify(key)})`
      }
      const ms = value[key]
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_BATCH_MS) {
        return `an object whose ${key} is a number of milliseconds from 0 to ${MAX_BATCH_MS}`
      }
    }
    if ((value.maxWaitMs ?? DEFAULT_MAX_WAIT_MS) < (value.quietMs ?? DEFAULT_QUIET_MS)) {
      return 'an object whose maxWaitMs is not smaller than its quietMs'
    }
  },
}

export class SsrHmrOptionsError extends TypeError {
  name = 'SsrHmrOptionsError'
}

function describe(value) {
  if (typeof value === 'function') return 'a function'
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/**
 * @param {SsrHmrOptions | undefined} options
 * @returns {ResolvedOptions}
 */
export function resolveOptions(options = {}) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new SsrHmrOptionsError(`[${PLUGIN_NAME}] options must be an object, got ${describe(options)}.`)
  }
  for (const [name, value] of Object.entries(options)) {
    const validate = validators[name]
    if (!validate) {
      throw new SsrHmrOptionsError(
        `[${PLUGIN_NAME}] unknown option ${JSON.stringify(name)}. Allowed options: ${Object.keys(validators).join(', ')}.`,
      )
    }
    if (value === undefined) continue
    const expected = validate(value)
    if (expected) {
      throw new SsrHmrOptionsError(
        `[${PLUGIN_NAME}] invalid option ${JSON.stringify(name)}: got ${describe(value)}, expected ${expected}.`,
      )
    }
  }
  return {
    isServerEnvironment: serverEnvironmentPredicate(options.environments),
    refresh: options.refresh ?? 'auto',
    watch: options.watch === undefined ? [] : [options.watch].flat(),
    frameworkReloads: options.frameworkReloads ?? 'replace',
    batch: {
      quietMs: options.batch?.quietMs ?? DEFAULT_QUIET_MS,
      maxWaitMs: options.batch?.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
    },
  }
}

function serverEnvironmentPredicate(environments) {
  if (typeof environments === 'function')
    return (environment) => environment.name !== 'client' && !!environments(environment)
  if (Array.isArray(environments)) {
    const names = new Set(environments)
    return (environment) => names.has(environment.name)
  }
  return (environment) => environment.config.consumer === 'server'
}
