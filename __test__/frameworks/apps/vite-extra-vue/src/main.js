import { createSSRApp } from 'vue'
import App from './App.vue'

// SSR requires a fresh app instance per request, therefore we export a function
// that creates a fresh app instance.
export function createApp() {
  const app = createSSRApp(App)
  return { app }
}
