// The one way the tests read a dev server's output. Every dev server they start keeps what it
// printed in `logs`, in order, as `{ level, message }`: startViteDevServer's from Vite's logger
// (`info`, `warn`, `error`), startFrameworkDevServer's from the CLI's process (`stdout`,
// `stderr`, one entry per line). A test notes `dev.logs.length` before it acts, and reads what
// came after with `logsSince`.

/** What `dev` logged from index `since` on. */
export function logsSince(dev, since = 0) {
  return dev.logs.slice(since)
}

/** A line the plugin wrote (not one that only names a temporary root, `ssr-hmr-<fixture>-…`). */
export const isPluginLog = (log) => /ssr-hmr(?!-)/.test(log.message)
