import { layout } from './layout.js'

const routes = {
  '/': () => import('./routes/home.js'),
  '/about': () => import('./routes/about.js'),
  '/side-by-side': () => import('./routes/side-by-side.js'),
}

export async function render(url) {
  const pathname = new URL(url, 'http://localhost').pathname
  const load = routes[pathname]
  if (!load) return { status: 404, html: layout({ title: 'Not found', body: '<h1>Not found</h1>' }) }
  const route = await load()
  return { status: 200, html: layout(await route.page()) }
}
