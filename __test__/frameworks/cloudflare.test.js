// Cloudflare's Vite plugin, which runs the Worker in workerd.
import { describeFramework } from './suite.js'

describeFramework('cloudflare', { plugins: 'cloudflare()' })
