// The plugin's options for this runtime, filled in when the dev server serves this file
// (lib/client-runtime-plugin.js replaces the object on the marked line).
// `settleMs` is the longest gap between two updates of one burst: the server's batch quiet
// time plus its longest wait, plus room for a busy machine.
export const CONFIG = { refresh: 'reload', settleMs: 530, overlay: true } // @ssr-hmr-config
