// Framework mode with server rendering (the default), spelled out.
export default { ssr: true }
