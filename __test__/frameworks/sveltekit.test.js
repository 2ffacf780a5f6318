// SvelteKit 3 (Node >= 22.17): alone, a server-only edit leaves the tabs stale.
import { describeFramework } from './suite.js'

describeFramework('sveltekit', { plugins: 'sveltekit()' })
