'use server'
// A server function: this module (and the data module it imports) stays in the server's
// graph; the browser gets a reference that calls the server.
import { home } from '../data/home.js'

export async function loadHome() {
  return home
}
