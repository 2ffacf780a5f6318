'use client'

import { useState } from 'react'

// Client state that an in-place update keeps and a reload loses.
export function Counter() {
  const [count, setCount] = useState(0)
  return (
    <button id="counter" onClick={() => setCount((c) => c + 1)}>
      count {count}
    </button>
  )
}
