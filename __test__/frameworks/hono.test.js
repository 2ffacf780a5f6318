// Hono with @hono/vite-dev-server, whose middleware renders every page and never calls next().
import { describeFramework } from './suite.js'

describeFramework('hono', { plugins: 'devServer()' })
