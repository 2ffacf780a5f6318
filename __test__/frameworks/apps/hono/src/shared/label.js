// Rendered by the server and again by the browser: a shared module.
export const label = () => 'shared v1'
