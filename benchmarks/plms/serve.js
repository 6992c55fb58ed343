// PLMS (Postman's local mock server, @jordanwalsh23/postman-local-mock-server) on one
// collection, for the benchmark: `node serve.js INSTALL_DIR COLLECTION PORT`.
// The library listens on every interface; this binds it to 127.0.0.1 instead, and it
// stops when its standard input closes, like the benchmark's other servers.
'use strict'
const fs = require('fs')
const net = require('net')

const [installDir, collection, port] = process.argv.slice(2)
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (first, ...rest) {
  if (typeof first === 'number') {
    return listen.call(this, first, '127.0.0.1', ...rest.filter((a) => typeof a === 'function'))
  }
  return listen.call(this, first, ...rest)
}
const where = require.resolve('@jordanwalsh23/postman-local-mock-server', { paths: [installDir] })
const PostmanLocalMockServer = require(where)
const server = new PostmanLocalMockServer({
  port: Number(port),
  collection: JSON.parse(fs.readFileSync(collection, 'utf8'))
})
server.start({})
process.stdin.resume()
process.stdin.on('end', () => process.exit(0))
