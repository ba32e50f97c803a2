// A standard EventSource (the `eventsource` package) following one game, as a browser would:
// it reconnects by itself with Last-Event-ID after the server goes away. Every message is
// written as one JSON line to the output file; it stops at the snapshot that ends the game.
//   node follow.mjs URL TOKEN OUT_FILE TYPE [TYPE ...]
import {appendFileSync} from 'node:fs'
import {EventSource} from 'eventsource'

const [url, token, out, ...types] = process.argv.slice(2)
const es = new EventSource(url, {
  fetch: (input, init) =>
    fetch(input, {...init, headers: {...init.headers, Authorization: `Bearer ${token}`}}),
})
for (const type of types) {
  es.addEventListener(type, (message) => {
    if (message.data === undefined) {
      // the connection's own `error` (it went away): the EventSource reconnects by itself
      appendFileSync(out, JSON.stringify({connection: 'lost'}) + '\n')
      return
    }
    appendFileSync(out, JSON.stringify({id: message.lastEventId, type, data: message.data}) + '\n')
    if (type === 'snapshot' && JSON.parse(message.data).state.over) {
      es.close()
      process.exit(0)
    }
  })
}
// The EventSource's reconnection timer doesn't keep Node alive: this does, until game over.
setInterval(() => {}, 1000)
