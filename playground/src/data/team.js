// Server-only: imported by the about route's server render, never by the browser.
export const team = [
  { name: 'Ada', role: 'core' },
  { name: 'Linus', role: 'shim' },
]
