// Runs on the server only (Vike's default for +data): the data module never reaches the browser.
import { home } from '../../data/home.js'

export function data() {
  return { data: home }
}
