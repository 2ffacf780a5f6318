import { useData } from 'vike-react/useData'
import { useState } from 'react'
import { Shared } from '../../components/Shared.jsx'

export default function Page() {
  const { data } = useData()
  const [count, setCount] = useState(0)
  return (
    <main>
      <h1 id="title">About</h1>
      <p id="data">{data}</p>
      <Shared />
      {/* State of the page's own, which an in-place update keeps (the tests type and click). */}
      <input id="typed" />
      <button id="count" onClick={() => setCount((n) => n + 1)}>
        count {count}
      </button>
      <nav>
        <a href="/">Home</a> <a href="/about">About</a>
      </nav>
    </main>
  )
}
