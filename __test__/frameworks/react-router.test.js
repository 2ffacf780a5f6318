// React Router framework mode, which hot-revalidates a route's loader data in place.
import { describeFramework } from './suite.js'

describeFramework('react-router', { plugins: 'reactRouter()' })
