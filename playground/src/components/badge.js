// Shared: rendered on the server and used by the client entry.
export function badge(text) {
  return `<span class="badge">${text}</span>`
}
