// Both strategies at once: the home page (reload) and the about page (morph) in two panes.
// Each pane is a tab of its own for the plugin; this outer page depends on neither route's
// modules, so it stays put while the panes refresh.
export async function page() {
  return {
    title: 'Side by side',
    body: `<h1>Side by side</h1>
<p>Left: <code>/</code> reloads. Right: <code>/about</code> morphs (type in its notes first).
Edit <code>src/data/messages.js</code>, <code>src/data/team.js</code> or <code>src/data/site.js</code> (both).</p>
<div class="panes">
  <iframe src="/" title="Home: reload"></iframe>
  <iframe src="/about" title="About: morph"></iframe>
</div>`,
  }
}
