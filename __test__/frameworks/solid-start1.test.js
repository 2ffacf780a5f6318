// SolidStart 1 on vinxi: three Vite dev servers in one process, the browser on the client one's websocket.
import { describeFramework } from './suite.js'

describeFramework('solid-start1', { plugins: 'SolidStart (vinxi routers)' })
