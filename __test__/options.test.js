import { describe, expect, test } from 'vitest'
import ssrHmrDefault, { ssrHmr, SsrHmrOptionsError } from 'vite-plugin-ssr-hmr'

describe('options are validated when the plugin is created', () => {
  test('the default export is the named one', () => {
    expect(ssrHmrDefault).toBe(ssrHmr)
  })

  test('no options gives the plugin objects, all dev-only', () => {
    const plugins = ssrHmr()
    expect(plugins.map((plugin) => plugin.name)).toEqual([
      'vite-plugin-ssr-hmr:session',
      'vite-plugin-ssr-hmr:graph-mirror',
      'vite-plugin-ssr-hmr:page-tracking',
      'vite-plugin-ssr-hmr:hot-update',
      'vite-plugin-ssr-hmr:client-runtime',
    ])
    expect(plugins.every((plugin) => plugin.apply === 'serve')).toBe(true)
    const hotUpdate = plugins.find((plugin) => plugin.hotUpdate).hotUpdate
    expect(hotUpdate.order).toBe('post')
  })

  test.each([
    [
      { refrsh: 'morph' },
      /unknown option "refrsh"\. Allowed options: environments, refresh, frameworkReloads, watch, batch\./,
    ],
    [{ refresh: 'soft' }, /invalid option "refresh": got "soft", expected one of "reload", "morph", "event", "auto"\./],
    [
      { environments: 'ssr' },
      /invalid option "environments": got "ssr", expected an array of environment names or a function/,
    ],
    [{ environments: ['ssr', ''] }, /invalid option "environments"/],
    [{ frameworkReloads: false }, /invalid option "frameworkReloads": got false, expected one of "replace", "keep"\./],
    [{ watch: 42 }, /invalid option "watch": got 42, expected a glob string or an array of glob strings\./],
    [
      { batch: { quietMs: -1 } },
      /invalid option "batch": got \{"quietMs":-1\}, expected an object whose quietMs is a number of milliseconds from 0 to 10000\./,
    ],
    [{ batch: { quietMs: 100, maxWaitMs: 50 } }, /maxWaitMs is not smaller than its quietMs/],
    [{ batch: { wait: 1 } }, /unknown key "wait"/],
    ['reload', /options must be an object, got "reload"/],
  ])('%j is rejected with the option, the value and what is allowed', (options, message) => {
    expect(() => ssrHmr(options)).toThrow(SsrHmrOptionsError)
    expect(() => ssrHmr(options)).toThrow(message)
  })

  test('valid options are accepted', () => {
    expect(() =>
      ssrHmr({
        environments: ['ssr', 'rsc'],
        refresh: 'morph',
        frameworkReloads: 'keep',
        watch: ['content/**/*.md'],
        batch: { quietMs: 10, maxWaitMs: 100 },
      }),
    ).not.toThrow()
    expect(() =>
      ssrHmr({ environments: (environment) => environment.name === 'worker', watch: 'data.json' }),
    ).not.toThrow()
  })
})
