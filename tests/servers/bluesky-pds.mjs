// A real Bluesky PDS (@atproto/pds) and a local PLC directory (@did-plc/server), in one
// Node process, for the test suite. Started by tests/servers/bluesky.sh, which sets the
// PDS_* environment and SYNDICATE_BSKY_* values below; run with NODE_PATH-free imports from
// the cached install (the working directory is that install).
//
// Why these choices:
// - Both servers call `listen(port)` without a host, which binds every interface. The test
//   servers must listen on loopback only, so net.Server#listen gets 127.0.0.1 added.
// - The PLC's only database without Postgres is in memory; every accepted operation is
//   appended to a log in the data folder and replayed at start, so accounts (whose DIDs
//   live in the PLC) survive a restart of the process.
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { createRequire } from 'node:module'

const LOOPBACK = '127.0.0.1'
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (args.length === 1 || typeof args[1] === 'function') args.splice(1, 0, LOOPBACK)
  } else if (args[0] && typeof args[0] === 'object' && args[0].port !== undefined && !args[0].host) {
    args[0] = { ...args[0], host: LOOPBACK }
  }
  return listen.apply(this, args)
}

const require = createRequire(path.join(process.cwd(), 'package.json'))
const plcPkg = require('@did-plc/server')
const { PDS, envToCfg, envToSecrets, readEnv } = await import(
  require.resolve('@atproto/pds')
)

const dataDir = process.env.SYNDICATE_BSKY_DATA
const plcPort = Number(process.env.SYNDICATE_BSKY_PLC_PORT)
const opLog = path.join(dataDir, 'plc-ops.jsonl')

const db = plcPkg.Database.mock()
if (fs.existsSync(opLog)) {
  for (const line of fs.readFileSync(opLog, 'utf8').split('\n')) {
    if (!line.trim()) continue
    const { did, op } = JSON.parse(line)
    await db.validateAndAddOp(did, op)
  }
}
const addOp = db.validateAndAddOp.bind(db)
db.validateAndAddOp = async (did, op) => {
  await addOp(did, op)
  fs.appendFileSync(opLog, JSON.stringify({ did, op }) + '\n')
}
const plc = plcPkg.PlcServer.create({ db, port: plcPort })
await plc.start()

const env = readEnv()
const pds = await PDS.create(envToCfg(env), envToSecrets(env))
await pds.start()
console.log(`bluesky-pds: PDS on http://${LOOPBACK}:${env.port}, PLC on http://${LOOPBACK}:${plcPort}`)

const stop = async () => {
  try { await pds.destroy() } catch (e) { console.error(e) }
  try { await plc.destroy() } catch (e) { console.error(e) }
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
