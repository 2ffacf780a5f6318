import { about } from '../data/about.js'
import { label } from '../shared/label.js'

export const render = () => `<h1 id="title">About</h1>
    <p id="data">${about}</p>
    <p id="shared">${label()}</p>
    <nav><a href="/">Home</a> <a href="/about">About</a></nav>`
