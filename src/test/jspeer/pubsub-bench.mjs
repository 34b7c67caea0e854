// The js-libp2p side of the discovery benchmark's gossipsub rows: N nodes with @libp2p/gossipsub in this one
// process on loopback, each dialling up to --degree earlier nodes (the generator of dht-bench.mjs), all
// subscribed to one topic; once every node has a mesh peer, node 0 publishes --messages messages, one every
// --interval ms, each carrying its send time; every other node notes when each arrives (the first quarter
// warms up, not counted). Prints
//   {"event":"deliveries","latenciesMs":[..],"expected":N}
//   node --import ./polyfill.mjs pubsub-bench.mjs [--nodes 50] [--messages 100] [--interval 20] [--degree 3] [--seed 1]
import { gossipsub } from '@libp2p/gossipsub'
import { dialEarlierNodes, emit, intOpt, makeBenchNodes, mulberry32, parseCli } from './lib.mjs'

const USAGE = 'usage: pubsub-bench.mjs [--nodes N] [--messages N] [--interval MS] [--degree N] [--seed N]'
const { values } = parseCli(USAGE, {
  nodes: { type: 'string' }, messages: { type: 'string' }, interval: { type: 'string' },
  degree: { type: 'string' }, seed: { type: 'string' }
})
const nodes = intOpt(USAGE, 'nodes', values.nodes, 50)
const messages = intOpt(USAGE, 'messages', values.messages, 100)
const interval = intOpt(USAGE, 'interval', values.interval, 20)
const degree = intOpt(USAGE, 'degree', values.degree, 3)
const random = mulberry32(intOpt(USAGE, 'seed', values.seed, 1))
const TOPIC = 'bench'

const peers = await makeBenchNodes(nodes, () => ({ pubsub: gossipsub({ emitSelf: false }) }))
const latencies = []
const warmup = Math.floor(messages / 4) // the first quarter warms up, not counted
const dec = new TextDecoder()
for (let i = 1; i < nodes; i++) {
  peers[i].services.pubsub.addEventListener('message', (evt) => {
    if (evt.detail.topic !== TOPIC) return
    const [sent, n] = dec.decode(evt.detail.data).split(' ').map(Number)
    if (n >= warmup) latencies.push(performance.timeOrigin + performance.now() - sent)
  })
}
for (const p of peers) p.services.pubsub.subscribe(TOPIC)
await dialEarlierNodes(peers, degree, random)
// the mesh forms at the heartbeats (1 s): wait until every node has a mesh peer on the topic
const deadline = Date.now() + 120_000
while (peers.some((p) => p.services.pubsub.getMeshPeers(TOPIC).length === 0) && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 100))
}
for (let n = 0; n < messages; n++) {
  const text = `${performance.timeOrigin + performance.now()} ${n} `.padEnd(256, 'x') // 256 bytes, as the Java side
  await peers[0].services.pubsub.publish(TOPIC, new TextEncoder().encode(text))
  await new Promise((resolve) => setTimeout(resolve, interval))
}
const expected = (messages - warmup) * (nodes - 1)
const drain = Date.now() + 30_000
while (latencies.length < expected && Date.now() < drain) await new Promise((resolve) => setTimeout(resolve, 100))
emit({ event: 'deliveries', latenciesMs: latencies, expected })
await Promise.all(peers.map((p) => p.stop()))
process.exit(0)
