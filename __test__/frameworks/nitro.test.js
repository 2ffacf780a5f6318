// Nitro's Vite plugin, which runs the server in a worker thread.
import { describeFramework } from './suite.js'

describeFramework('nitro', { plugins: 'nitro()' })
