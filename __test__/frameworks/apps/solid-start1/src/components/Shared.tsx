// Rendered on the server and hydrated in the browser by both routes.
export function Shared() {
  return <p id="shared">shared v1</p>
}
