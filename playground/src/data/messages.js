// Server-only: imported by the home route's server render, never by the browser.
export const messages = ['Hello from the server', 'Edit me and watch only the home tab refresh']
