// React Server Components with @vitejs/plugin-rsc, whose server HMR is a custom event (`rsc:update`) the tabs answer by re-fetching their RSC payload.
import { describeFramework } from './suite.js'

describeFramework('rsc', { plugins: 'rsc(), react()' })
