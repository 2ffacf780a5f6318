// The browser's part of the page: it renders the shared label again, and hot-updates it.
import { label } from './shared/label.js'

document.querySelector('#shared').textContent = label()

if (import.meta.hot) import.meta.hot.accept()
