import { messages } from '../data/messages.js'
import { site } from '../data/site.js'
import { badge } from '../components/badge.js'

export async function page() {
  return {
    title: 'Home',
    body: `<h1>Home ${badge('reload')}</h1>
<p class="site">${site}</p>
<p>Edit <code>src/data/messages.js</code>: only tabs showing this page reload.</p>
<ul id="messages">${messages.map((m) => `<li>${m}</li>`).join('')}</ul>
<div id="widget" data-ssr-hmr-permanent></div>`,
  }
}
