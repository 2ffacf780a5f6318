// create-vite-extra's ssr-vue template: Express, Vite in middleware mode, `vite.ssrLoadModule`.
import { describeFramework } from './suite.js'

describeFramework('vite-extra-vue', { plugins: 'vue()' })
