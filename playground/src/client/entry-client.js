import { badge } from '../components/badge.js'
import { mountWidget } from './widget.js'

// Stamped once per document: a morph keeps it (the element is permanent), a reload renews it.
const loaded = document.getElementById('loaded')
if (loaded) loaded.textContent = `document loaded at ${new Date().toLocaleTimeString('en-GB')}`

const element = document.getElementById('widget')
mountWidget(element, badge)

// Client edits (the widget, the shared badge) are hot updates: re-mount with the new code.
if (import.meta.hot) {
  import.meta.hot.accept(['./widget.js', '../components/badge.js'], ([widget, badgeModule]) => {
    mountWidget(element, badgeModule?.badge ?? badge)
    void widget
  })
}
