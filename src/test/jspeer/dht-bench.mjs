// The js-libp2p side of the discovery benchmark: N nodes with @libp2p/kad-dht (server mode, /oc/kad/1.0.0)
// in this one process on loopback, each dialling up to --degree earlier nodes, each then looking up its own
// id (as a node joining does); then --lookups lookups of random peers' ids (FIND_NODE to the k closest) and
// as many GET_VALUE of a record one node put, from random other nodes. Prints one JSON line per phase:
//   {"event":"lookups","latenciesMs":[..],"queries":[..],"hops":[..],"reached":N}   {"event":"gets","latenciesMs":[..],"found":N}
//   node --import ./polyfill.mjs dht-bench.mjs [--nodes 50] [--lookups 200] [--degree 3] [--seed 1]
// Hops: a peer from the asker's own table is 1 hop away, one that a hop-h peer named is h+1; a lookup's hops
// are the deepest peer that answered, as the Java side counts them.
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { dialEarlierNodes, emit, intOpt, makeBenchNodes, mulberry32, parseCli } from './lib.mjs'

const USAGE = 'usage: dht-bench.mjs [--nodes N] [--lookups N] [--degree N] [--seed N]'
const { values } = parseCli(USAGE, {
  nodes: { type: 'string' }, lookups: { type: 'string' }, degree: { type: 'string' }, seed: { type: 'string' }
})
const nodes = intOpt(USAGE, 'nodes', values.nodes, 50)
const lookups = intOpt(USAGE, 'lookups', values.lookups, 200)
const degree = intOpt(USAGE, 'degree', values.degree, 3)
// the same network and the same lookups on every run, and on the Java side (DiscoveryBenchmark.Mulberry32)
const random = mulberry32(intOpt(USAGE, 'seed', values.seed, 1))

const peers = await makeBenchNodes(nodes, () => ({
  dht: kadDHT({
    protocol: '/oc/kad/1.0.0',
    clientMode: false,
    peerInfoMapper: passthroughMapper,
    validators: { bench: async () => {} },
    selectors: { bench: () => 0 }
  })
}))
await dialEarlierNodes(peers, degree, random)
const nowMs = () => performance.now()

async function lookup (from, target) {
  const depth = new Map()
  let queries = 0
  let hops = 0
  let reached = false
  try {
    for await (const e of from.services.dht.getClosestPeers(target.peerId.toMultihash().bytes)) {
      if (e.name === 'SEND_QUERY') queries++
      if (e.name === 'FINAL_PEER' && e.peer.id.equals(target.peerId)) reached = true
      if (e.name === 'PEER_RESPONSE') {
        const d = depth.get(e.from.toString()) ?? 1
        hops = Math.max(hops, d)
        for (const c of e.closer) {
          const id = c.id.toString()
          if (!depth.has(id)) depth.set(id, d + 1)
        }
      }
    }
  } catch {} // a lookup that timed out counts as not reached
  return { queries, hops, reached }
}

// joining: every node looks up its own id once, as the Java nodes bootstrap
for (const p of peers) await lookup(p, p)

const latencies = []; const queries = []; const hops = []; let reached = 0
for (let n = 0; n < lookups; n++) {
  const from = random(nodes); let to = random(nodes)
  if (to === from) to = (to + 1) % nodes
  const t0 = nowMs()
  const r = await lookup(peers[from], peers[to])
  latencies.push(nowMs() - t0); queries.push(r.queries); hops.push(r.hops); if (r.reached) reached++
}
emit({ event: 'lookups', latenciesMs: latencies, queries, hops, reached })

const enc = new TextEncoder()
const key = enc.encode('/bench/record')
const putter = random(nodes)
for await (const e of peers[putter].services.dht.put(key, enc.encode('a record of the benchmark'))) { void e }
const gets = []; let found = 0
for (let n = 0; n < lookups; n++) {
  let from = random(nodes)
  if (from === putter) from = (from + 1) % nodes
  const t0 = nowMs()
  let got = false
  // to completion, as the Java side's getValue asks the k closest before it selects the best value
  try {
    for await (const e of peers[from].services.dht.get(key)) { if (e.name === 'VALUE') got = true }
  } catch {}
  if (got) found++
  gets.push(nowMs() - t0)
}
emit({ event: 'gets', latenciesMs: gets, found })
await Promise.all(peers.map((p) => p.stop()))
process.exit(0)
