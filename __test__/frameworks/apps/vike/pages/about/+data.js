// Runs on the server only (Vike's default for +data): the data module never reaches the browser.
import { about } from '../../data/about.js'

export function data() {
  return { data: about }
}
