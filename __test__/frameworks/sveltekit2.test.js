// SvelteKit 2 with adapter-node: alone, a server-only edit leaves the tabs stale.
import { describeFramework } from './suite.js'

describeFramework('sveltekit2', { plugins: 'sveltekit()' })
