// Rendered by the server and hydrated and hot-updated in the browser: a shared module.
export function Shared() {
  return <p id="shared">shared v1</p>
}
