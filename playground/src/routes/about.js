import { team } from '../data/team.js'
import { site } from '../data/site.js'
import { badge } from '../components/badge.js'

export async function page() {
  return {
    title: 'About',
    // This page asks for the state-preserving refresh: the form below keeps what you typed.
    head: '<meta name="ssr-hmr" content="morph" />',
    body: `<h1>About ${badge('morph')}</h1>
<p class="site">${site}</p>
<p>Edit <code>src/data/team.js</code>: this page morphs in place, keeping scroll and typed text.</p>
<ul id="team">${team.map((person) => `<li>${person.name}, ${person.role}</li>`).join('')}</ul>
<label>Notes <textarea id="notes" rows="3" placeholder="type here, then edit team.js"></textarea></label>
<details id="more"><summary>Open me, then edit team.js</summary><p>Still open after the morph.</p></details>
<div id="widget" data-ssr-hmr-permanent></div>`,
  }
}
