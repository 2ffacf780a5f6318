// Nitro's Vite SSR service: it renders what index.html's <!--ssr-outlet--> shows. Each route
// is loaded when first asked for, and reads its own data module.
const routes = {
  '/': () => import('./routes/home.js'),
  '/about': () => import('./routes/about.js'),
}

export default {
  async fetch(request) {
    const route = routes[new URL(request.url).pathname]
    if (!route) return new Response('<h1 id="title">Not found</h1>', { status: 404, headers: { 'content-type': 'text/html' } })
    const { render } = await route()
    return new Response(render(), { headers: { 'content-type': 'text/html' } })
  },
}
