'use server'
// A server function: this module (and the data module it imports) stays in the server's
// graph; the browser gets a reference that calls the server.
import { about } from '../data/about.js'

export async function loadAbout() {
  return about
}
