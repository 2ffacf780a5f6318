// Vike with client routing: navigating to the current URL fetches the page's `pageContext`
// (its `+data` runs on the server) and renders it in place; the UI framework keeps the
// components' state (https://vike.dev/navigate).
// @ssr-hmr-needs vike/client/router

import { navigate } from 'vike/client/router'

export default {
  name: 'vike',
  detect: () => document.getElementById('vike_pageContext') !== null,
  update: () =>
    navigate(location.pathname + location.search + location.hash, {
      keepScrollPosition: true,
      overwriteLastHistoryEntry: true,
    }),
}
