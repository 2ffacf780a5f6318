// The framework apps under apps/, and what the harness needs to know about each: how a user
// starts its dev server, and which files are the two routes' server-only data modules and the
// shared component. Every app renders the same markup: #title, #data (the route's data
// module), #shared (the shared component, rendered by the server and again by the browser).

/** The routes every app has: tab A shows /about, tab B shows /. */
export const ROUTES = { A: '/about', B: '/' }

const viteCli = (port) => [
  'node_modules/vite/bin/vite.js',
  '--port',
  String(port),
  '--strictPort',
  '--host',
  '127.0.0.1',
]

// `astro dev` has no --strictPort: it tries the next port when one is taken, and prints the
// one it listens on (`Local    http://…`), which the harness reads. `bin`: the package's `bin`
// (astro.js in Astro 5, bin/astro.mjs since).
const astroCli = (bin) => (port) => [`node_modules/astro/${bin}`, 'dev', '--port', String(port), '--host', '127.0.0.1']

/** A data module's source: one exported string, `<name> <token>`. */
const dataModule = (name) => (token) => `export const ${name} = '${name} ${token}'\n`
/** The same module with an unterminated string: a syntax error. */
const brokenDataModule = (name) => (token) => `export const ${name} = '${name} ${token}\n`
/** The same module, valid, throwing when evaluated: the render fails at run time. */
const throwingDataModule = (name) => (token) =>
  `export const ${name} = (() => {\n  throw new Error('${name} ${token}')\n})()\n`

function describeApp({
  name,
  label,
  command,
  env,
  data,
  shared,
  vite,
  notes,
  node = 20,
  staticRoutes = false,
  errorsAsPages = false,
  componentHmr = true,
  startupMs = 0,
  inPlace,
  loaderRuns = false,
}) {
  return {
    name,
    label,
    command,
    /**
     * The environment the dev server needs besides the user's, given its free ports (`port`,
     * and `hmrPort` for an app whose HMR websocket cannot share the server's port), if any.
     */
    env,
    vite,
    notes,
    /**
     * The oldest Node major the framework's version runs on (its `engines`): under an older
     * Node the app's tests are skipped, and `npm test`'s second pass on a newer Node runs them.
     */
    node,
    /**
     * How long the dev server needs after printing its URL before a page request is safe: a
     * user opens the page a moment after starting the server, not within milliseconds.
     */
    startupMs,
    /**
     * The server imports every route statically: when /about's data module is broken, `/`
     * fails to render too, and tab B may say so (an overlay over its page, never a reload).
     */
    staticRoutes,
    /**
     * A render that throws is answered as a normal page (200, HTML, Vite's client) with the
     * framework's error page inside: nothing tells it from a page, so a tab is refreshed into
     * it, and recovers from there on the fix.
     */
    errorsAsPages,
    /**
     * The framework updates a component in place on the client. Without it (`false`), its own
     * dev server reloads every tab for a shared edit, with or without this plugin: each tab
     * may then load one fresh document, never more.
     */
    componentHmr,
    /**
     * The part of the plugin's 'auto' strategy (client/frameworks/) that updates this app's
     * pages in place, or 'three-way-patch' for server-rendered HTML the three-way patch updates
     * (client/patch.js): with the plugin (default options), a server-only edit, a burst and
     * the fix of an error reach tab A with no document load and its own state kept.
     * Undefined: no such part (tab A reloads, unless the framework updates it in place itself).
     */
    inPlace,
    /**
     * The app counts its loaders' runs in the browser (`window.__loaderRuns`, by route: `root`,
     * `about`): updated in place, tab A re-ran /about's loader, which the edit reaches, and not
     * the root's, which it does not (only the loaders on the update's `roots` chains re-run).
     */
    loaderRuns,
    /** Files and contents for tab A's route (/about) and tab B's (/). */
    data: {
      A: {
        file: data.about,
        write: dataModule('about'),
        broken: brokenDataModule('about'),
        throwing: throwingDataModule('about'),
        initial: 'about v1',
      },
      B: { file: data.home, write: dataModule('home'), initial: 'home v1' },
    },
    /** The shared component's file; an edit replaces its `shared <token>` text. */
    shared: {
      file: shared,
      initial: 'shared v1',
      edit: (source, token) => source.replace(/shared (?:v1|[a-z]+-\d+)/, `shared ${token}`),
    },
  }
}

/**
 * A create-vite-extra template (`npm create vite-extra -- --template ssr-vue`): an Express
 * server running Vite in middleware mode, rendering with `vite.ssrLoadModule`. The route's
 * server-only data is filled into the page around the hydrated app (its index.html).
 */
function viteExtraApp(template, framework, shared) {
  const name = `vite-extra-${template.replace(/^ssr-/, '')}`
  return describeApp({
    name,
    inPlace: 'three-way-patch',
    label: `create-vite-extra 5.0.3 ${template} (Express 5.3.0, ${framework})`,
    vite: '8.3.8',
    command: () => ['server.js'],
    // Its server reads PORT; in middleware mode Vite's HMR websocket takes a port of its own.
    env: ({ port, hmrPort }) => ({ PORT: String(port), HMR_PORT: String(hmrPort) }),
    data: { home: 'src/data/home.js', about: 'src/data/about.js' },
    shared,
    // The server entry imports both routes' data.
    staticRoutes: true,
  })
}

export const APPS = {
  hono: describeApp({
    name: 'hono',
    inPlace: 'three-way-patch',
    label: 'Hono (@hono/vite-dev-server 0.26.1)',
    vite: '8.3.8',
    command: viteCli,
    data: { home: 'src/data/home.js', about: 'src/data/about.js' },
    shared: 'src/shared/label.js',
    staticRoutes: true,
  }),
  'react-router': describeApp({
    name: 'react-router',
    inPlace: 'react-router',
    label: 'React Router 8.5.3 framework mode',
    vite: '8.3.8',
    // `react-router dev` relaunches itself once with `--conditions=development` (a child in the
    // same process group; @react-router/dev/dist/cli/index.js:132-156, 183-190).
    command: (port) => [
      'node_modules/@react-router/dev/bin.cjs',
      'dev',
      '--port',
      String(port),
      '--strictPort',
      '--host',
      '127.0.0.1',
    ],
    data: { home: 'app/data/home.js', about: 'app/data/about.js' },
    shared: 'app/components/shared.jsx',
    staticRoutes: true,
    // React Router 8 needs Node >= 22.22 (the `engines` of react-router, @react-router/dev and
    // @react-router/node 8.5.3).
    node: 22,
  }),
  vike: describeApp({
    name: 'vike',
    inPlace: 'vike',
    label: 'Vike 0.4.266 + vike-react 0.6.30',
    vite: '8.3.8',
    // `vike dev` takes --port and --host as Vike settings; it has no --strictPort.
    command: (port) => ['node_modules/vike/bin.js', 'dev', '--port', String(port), '--host', '127.0.0.1'],
    data: { home: 'data/home.js', about: 'data/about.js' },
    shared: 'components/Shared.jsx',
  }),
  nitro: describeApp({
    name: 'nitro',
    label: 'Nitro 3.0.0 (nitro/vite)',
    vite: '7.3.8',
    command: viteCli,
    data: { home: 'app/data/home.js', about: 'app/data/about.js' },
    shared: 'app/shared/label.js',
    errorsAsPages: true,
    // Nitro's worker imports its entry at startup; a request waits at most 3.1 s for it
    // (nitro/dist/runtime/internal/vite/dev-worker.mjs:56-67), then the failed fetch takes the
    // whole dev server down (_chunks/plugin.mjs:435), with or without this plugin. On a cold
    // machine the first import can take longer: let it finish before the first request.
    startupMs: 5000,
  }),
  astro5: describeApp({
    name: 'astro5',
    inPlace: 'three-way-patch',
    label: 'Astro 5.18.2 + @astrojs/node 9.5.5 + @astrojs/preact 4.1.3',
    vite: '6.4.6',
    command: astroCli('astro.js'),
    data: { home: 'src/data/home.js', about: 'src/data/about.js' },
    shared: 'src/components/Shared.jsx',
  }),
  astro: describeApp({
    name: 'astro',
    inPlace: 'three-way-patch',
    label: 'Astro 7.4.8 + @astrojs/node 11.1.6 + @astrojs/preact 6.0.5',
    vite: '8.4.1',
    // astro 7.4.8's engines: node >=22.23.4 (Astro 6 and 7 need at least 22.12).
    node: 22,
    // In dev every page module hangs off `virtual:astro:pages` (vite-plugin-pages/pages.js:67,
    // one `() => import()` per route) and the plugin finds /about's data among `/`'s roots
    // (its log: the compile error is "shown in 2 of 2 tabs"): while it does not compile, tab B
    // is shown the error over its page (never reloaded), although `/` itself still renders.
    staticRoutes: true,
    command: astroCli('bin/astro.mjs'),
    data: { home: 'src/data/home.js', about: 'src/data/about.js' },
    shared: 'src/components/Shared.jsx',
  }),
  cloudflare: describeApp({
    name: 'cloudflare',
    label: 'Cloudflare @cloudflare/vite-plugin 1.64.0 (workerd)',
    vite: '8.3.8',
    command: viteCli,
    data: { home: 'src/data/home.js', about: 'src/data/about.js' },
    shared: 'src/shared/label.js',
    staticRoutes: true,
  }),
  'solid-start1': describeApp({
    name: 'solid-start1',
    inPlace: 'solid-router',
    label: 'SolidStart 1.3.2 (vinxi 0.5.11)',
    vite: '6.4.6',
    // vinxi runs three Vite dev servers in middleware mode (client, ssr, server functions) in
    // one process, behind its own HTTP server; `--port` is vinxi's (it also reads PORT).
    command: (port) => ['node_modules/vinxi/bin/cli.mjs', 'dev', '--port', String(port)],
    data: { home: 'src/data/home.js', about: 'src/data/about.js' },
    shared: 'src/components/Shared.tsx',
    // vinxi's `vinxi/routes` module imports every route module of the ssr router as it loads
    // (`$vinxi/handler/ssr` → `@solidjs/start/dist/router/routes.js` → `vinxi/routes`), so a
    // broken /about data module fails the render of `/` too.
    staticRoutes: true,
  }),
  'solid-start': describeApp({
    name: 'solid-start',
    inPlace: 'solid-router',
    label: 'SolidStart 2.0.5 (Vite plugin)',
    vite: '8.3.8',
    // @solidjs/start 2 declares `engines.node >=24`.
    node: 24,
    command: viteCli,
    data: { home: 'src/data/home.js', about: 'src/data/about.js' },
    shared: 'src/components/Shared.tsx',
    // Routes are imported lazily, but the server's `solid-start:server-fn-manifest` imports
    // every "use server" module (@solidjs/start dist/fns/handler.js:18, directives/index.js:145):
    // with /about's data module broken, `/` answers 500 too (observed without the plugin).
    staticRoutes: true,
  }),
  'qwik-city': describeApp({
    name: 'qwik-city',
    label: 'Qwik City 1.20.1 (@builder.io/qwik 1.20.1)',
    vite: '7.3.8',
    // Qwik City's dev script: `--mode ssr` serves server-rendered pages (any other mode
    // serves the client-only dev build, qwik/dist/optimizer.mjs:3805).
    command: (port) => [...viteCli(port), '--mode', 'ssr'],
    data: { home: 'src/data/home.js', about: 'src/data/about.js' },
    shared: 'src/components/shared.tsx',
    // Qwik 1.x has no component HMR: its Vite plugin sends a `full-reload` for every change
    // that has modules, from `handleHotUpdate` (qwik/dist/optimizer.mjs:4130-4135).
    componentHmr: false,
  }),
  sveltekit2: describeApp({
    name: 'sveltekit2',
    inPlace: 'sveltekit',
    label: 'SvelteKit 2.70.4 (adapter-node, Svelte 5)',
    vite: '8.3.8',
    command: viteCli,
    data: { home: 'src/lib/server/home.js', about: 'src/lib/server/about.js' },
    shared: 'src/lib/Shared.svelte',
  }),
  sveltekit: describeApp({
    name: 'sveltekit',
    inPlace: 'sveltekit',
    label: 'SvelteKit 3.4.1 (adapter-node, Svelte 5)',
    vite: '8.3.8',
    // Kit 3's engines: node >= 22.17 (it also needs Vite >= 8.0.12).
    node: 22,
    command: viteCli,
    data: { home: 'src/lib/server/home.js', about: 'src/lib/server/about.js' },
    shared: 'src/lib/Shared.svelte',
  }),
  'tanstack-start': describeApp({
    name: 'tanstack-start',
    inPlace: 'tanstack-router',
    loaderRuns: true,
    label: 'TanStack Start 1.169.5 (createServerFn loaders, React 19)',
    vite: '8.3.8',
    // Its engines say node >= 22.12, but it installs (npm warns) and passes every scenario on
    // Node 20: nothing in it needs 22 yet, so it keeps the default and runs in the first pass.
    command: viteCli,
    data: { home: 'src/data/home.js', about: 'src/data/about.js' },
    shared: 'src/components/Shared.tsx',
  }),
  'vite-extra-vue': viteExtraApp('ssr-vue', 'Vue 3.5.47', 'src/components/Shared.vue'),
  'vite-extra-react': viteExtraApp('ssr-react', 'React 19.3.1', 'src/components/Shared.jsx'),
  rsc: describeApp({
    name: 'rsc',
    label: 'React Server Components (@vitejs/plugin-rsc 0.5.39)',
    vite: '8.3.8',
    command: viteCli,
    data: { home: 'src/data/home.js', about: 'src/data/about.js' },
    shared: 'src/components/shared.jsx',
    // The server entry's router imports both routes.
    staticRoutes: true,
  }),
}
