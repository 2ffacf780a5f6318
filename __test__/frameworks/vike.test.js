// Vike with vike-react, which reloads every tab on a server-only edit (its Vite 6 workaround).
import { describeFramework } from './suite.js'

describeFramework('vike', { plugins: 'vike(), react()' })
