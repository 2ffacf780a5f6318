import { useData } from 'vike-react/useData'
import { Shared } from '../../components/Shared.jsx'

export default function Page() {
  const { data } = useData()
  return (
    <main>
      <h1 id="title">Home</h1>
      <p id="data">{data}</p>
      <Shared />
      <nav>
        <a href="/">Home</a> <a href="/about">About</a>
      </nav>
    </main>
  )
}
