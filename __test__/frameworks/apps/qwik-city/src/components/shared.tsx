import { component$ } from '@builder.io/qwik'

// Rendered on the server by both pages. Qwik resumes the page in the browser instead of
// rendering it again: this component's code only reaches the browser if the page needs it.
export const Shared = component$(() => <p id="shared">shared v1</p>)
