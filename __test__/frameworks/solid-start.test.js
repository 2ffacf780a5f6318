// SolidStart 2: a Vite plugin (Node 24), "use server" functions read each route's data.
import { describeFramework } from './suite.js'

// SolidStart 2's first render after an edit carries a different hydration script than later
// renders of the same page (FINDINGS.md): the output check leaves that out once it has seen it
// differ between two unedited renders (output_masks.rs), so tab B is left alone.
describeFramework('solid-start', { plugins: 'solidStart()' })
