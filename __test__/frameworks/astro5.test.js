// Astro 5 with @astrojs/node and a Preact island, which reloads every tab on a server-only edit.
import { describeFramework } from './suite.js'

describeFramework('astro5', { plugins: 'preact()' })
