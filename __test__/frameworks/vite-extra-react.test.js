// create-vite-extra's ssr-react template: Express, Vite in middleware mode, `vite.ssrLoadModule`.
import { describeFramework } from './suite.js'

describeFramework('vite-extra-react', { plugins: 'react()' })
