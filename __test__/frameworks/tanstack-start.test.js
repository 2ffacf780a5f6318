// TanStack Start with createServerFn loaders: alone, a server-only edit leaves the tabs stale.
import { describeFramework } from './suite.js'

describeFramework('tanstack-start', { plugins: 'tanstackStart(), react()' })
