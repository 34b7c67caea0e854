// Signed peer records (libp2p RFC 0002 envelope + RFC 0003 record) made and read by js-libp2p's
// @libp2p/peer-record, to check the Java stack against, as JSON lines:
//   peer-record.mjs seal KEYFILE ADDR...   -> {"envelope":"<hex>","peerId":..,"seq":"..","addrs":[..]}
//   peer-record.mjs open HEX               -> {"peerId":..,"seq":"..","addrs":[..],"signer":..}, or {"error":..}
//                                             and exit 1 when the signature or the encoding is not valid
import { PeerRecord, RecordEnvelope } from '@libp2p/peer-record'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { parseCli, usageExit, emit, readKeyFile, peerIdOf } from './lib.mjs'

const USAGE = 'usage: node --import ./polyfill.mjs peer-record.mjs seal KEYFILE ADDR... | open HEX'
const { positionals } = parseCli(USAGE, {}, { allowPositionals: true })
const [command, ...rest] = positionals

const describe = (record) => ({
  peerId: record.peerId.toString(),
  seq: record.seqNumber.toString(),
  addrs: record.multiaddrs.map((a) => a.toString())
})

try {
  if (command === 'seal' && rest.length >= 1) {
    const privateKey = readKeyFile(rest[0])
    const record = new PeerRecord({ peerId: peerIdOf(privateKey), multiaddrs: rest.slice(1).map((a) => multiaddr(a)) })
    const envelope = await RecordEnvelope.seal(record, privateKey)
    emit({ envelope: Buffer.from(envelope.marshal()).toString('hex'), ...describe(record) })
  } else if (command === 'open' && rest.length === 1) {
    const envelope = await RecordEnvelope.openAndCertify(Buffer.from(rest[0], 'hex'), PeerRecord.DOMAIN)
    const record = PeerRecord.createFromProtobuf(envelope.payload)
    emit({ ...describe(record), signer: peerIdFromPublicKey(envelope.publicKey).toString() })
  } else {
    usageExit(USAGE, 'expected seal KEYFILE ADDR... or open HEX')
  }
} catch (err) {
  emit({ error: err.message })
  process.exit(1)
}
