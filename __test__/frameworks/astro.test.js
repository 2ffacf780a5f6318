// Astro 7 with @astrojs/node and a Preact island: every page imported in dev, islands stamped with their render time.
import { describeFramework } from './suite.js'

describeFramework('astro', { plugins: 'preact()' })
