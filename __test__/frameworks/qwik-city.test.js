// Qwik City, whose Vite plugin reloads every tab on every change (from `handleHotUpdate`).
import { describeFramework } from './suite.js'

describeFramework('qwik-city', { plugins: 'qwikCity(), qwikVite()' })
