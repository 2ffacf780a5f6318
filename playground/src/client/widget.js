// Client-only: a counter that lives in the browser; Vite's own HMR handles its edits.
export function mountWidget(element, badge) {
  if (!element) return
  let count = 0
  element.innerHTML = `<button type="button">clicked <span>0</span> times</button> ${badge('client')}`
  element.querySelector('button').addEventListener('click', () => {
    element.querySelector('span').textContent = String(++count)
  })
}
