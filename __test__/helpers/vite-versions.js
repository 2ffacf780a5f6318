// The Vite majors the dev-server suites run against.

/**
 * Every supported major, each a real package: `vite` is the devDependency, `vite7` and `vite6`
 * are npm aliases of exact versions. `SSR_HMR_VITE=8` (or `7,6`) narrows a local run.
 */
const ALL_VERSIONS = [
  { major: 8, load: () => import('vite') },
  { major: 7, load: () => import('vite7') },
  { major: 6, load: () => import('vite6') },
]
const only = process.env.SSR_HMR_VITE?.split(',').map(Number)
export const VITE_VERSIONS = ALL_VERSIONS.filter(({ major }) => !only || only.includes(major)).map((version) => ({
  ...version,
  name: `vite ${version.major}`,
}))
