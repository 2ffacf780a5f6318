// Server-only: imported by the server render of both / and /about (not by the outer
// side-by-side page). An edit refreshes both panes, each its own way.
export const site = 'vite-plugin-ssr-hmr playground'
