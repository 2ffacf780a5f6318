import { home } from '../data/home.js'
import { label } from '../shared/label.js'

export const render = () => `<h1 id="title">Home</h1>
    <p id="data">${home}</p>
    <p id="shared">${label()}</p>
    <nav><a href="/">Home</a> <a href="/about">About</a></nav>`
