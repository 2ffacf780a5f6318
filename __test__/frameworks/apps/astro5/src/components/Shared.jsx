// A Preact island: rendered by the server, hydrated and hot-updated in the browser.
export function Shared() {
  return <p id="shared">shared v1</p>
}
