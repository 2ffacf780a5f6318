// Ports for the test servers: each gets its own, so servers never collide (on Vite's default
// HMR port 24678 a second server's HMR fails silently).

import { createServer } from 'node:net'

/** A port nothing listens on now (the server that asks takes it a moment later). */
export async function freePort() {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}
