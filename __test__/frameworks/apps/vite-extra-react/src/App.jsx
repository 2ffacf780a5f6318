import { useState } from 'react'
import { Shared } from './components/Shared'

function App() {
  const [count, setCount] = useState(0)

  return (
    <>
      <Shared />
      {/* State of the page's own, which an in-place update keeps (the tests type and click). */}
      <input id="typed" />
      <button id="count" onClick={() => setCount((count) => count + 1)}>
        count {count}
      </button>
      <nav>
        <a href="/">Home</a> <a href="/about">About</a>
      </nav>
    </>
  )
}

export default App
