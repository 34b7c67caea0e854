package org.opencloud.discovery.p2p.protocol.kad;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.Varint;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;
import org.opencloud.discovery.p2p.protocol.kad.pb.KadProto;
import org.opencloud.discovery.p2p.protocol.kad.pb.KadProto.Message;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile DHT peers, raw Java hosts that write what they like: refused, bounded, and the node keeps serving. */
class KadBadInputTest {
    private final KadTestNetwork net = new KadTestNetwork();

    @AfterEach
    void stop() {
        net.close();
    }

    private static byte[] framed(byte[] body) {
        ByteBuf out = Unpooled.buffer();
        Varint.write(out, body.length);
        out.writeBytes(body);
        return ByteBufUtil.getBytes(out);
    }

    /** Writes {@code raw} on a new DHT stream, ends it, and reads all the answer. */
    private static byte[] exchange(Host from, Host to, String protocol, byte[] raw) throws Exception {
        Stream s = from.newStream(KadTestNetwork.addressOf(to), List.of(protocol)).get(10, TimeUnit.SECONDS);
        s.write(Unpooled.wrappedBuffer(raw));
        s.closeWrite();
        return s.readToEnd(1 << 20).get(10, TimeUnit.SECONDS);
    }

    private static Message unframe(ByteBuf in) throws Exception {
        byte[] body = new byte[(int) Varint.read(in)];
        in.readBytes(body);
        return Message.parseFrom(body);
    }

    @Test
    void malformedOversizedAndMismatchedRequestsResetTheirStreamAndAreCounted() throws Exception {
        KadDht server = net.dht(KadTestNetwork.config());
        Host target = net.hosts.get(0);
        Host raw = net.host();
        String protocol = server.protocol();
        ByteString key = ByteString.copyFromUtf8("/test/k");
        List<byte[]> bad = List.of(
                framed(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}),                // not a protobuf
                new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
                        (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // a varint that never ends
                ByteBufUtil.getBytes(Unpooled.buffer().writeBytes(Varint.encode(100 << 20)).writeZero(64)), // 100 MiB
                framed(Message.newBuilder().setType(Message.MessageType.PUT_VALUE).setKey(key)
                        .setRecord(KadProto.Record.newBuilder().setKey(ByteString.copyFromUtf8("/test/other"))
                                .setValue(ByteString.copyFrom(SeqValidator.value(1, "x")))).build().toByteArray()),
                framed(KadMessages.putValue("/unknown/k".getBytes(), SeqValidator.value(1, "x")).toByteArray()),
                framed(KadMessages.putValue("/test/k".getBytes(), "not a seq".getBytes()).toByteArray()),
                framed(KadMessages.putValue("/test/k".getBytes(), new byte[20_000]).toByteArray()),
                framed(Message.newBuilder().setType(Message.MessageType.ADD_PROVIDER).setKey(key).build().toByteArray()),
                framed(Message.newBuilder().setTypeValue(42).build().toByteArray()),
                new byte[] {5, 1, 2}); // ends inside its frame
        for (byte[] request : bad) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> exchange(raw, target, protocol, request));
            assertTrue(e.getCause().getMessage().contains("reset"), e.getCause().getMessage());
        }
        assertEquals(bad.size(), server.refusedRequests());
        assertEquals(0, server.storedRecords());

        // two requests on one stream, as go sends them: both answered, in order
        byte[] two = ByteBufUtil.getBytes(Unpooled.wrappedBuffer(
                framed(KadMessages.putValue("/test/k".getBytes(), SeqValidator.value(3, "ok")).toByteArray()),
                framed(KadMessages.getValue("/test/k".getBytes()).toByteArray())));
        ByteBuf answers = Unpooled.wrappedBuffer(exchange(raw, target, protocol, two));
        assertEquals(Message.MessageType.PUT_VALUE, unframe(answers).getType());
        assertEquals("3:ok", unframe(answers).getRecord().getValue().toStringUtf8());
        assertEquals(1, server.storedRecords());
    }

    @Test
    void aStreamLeftWithoutARequestIsReset() throws Exception {
        KadDht server = net.dht(KadTestNetwork.config().idleStreamTimeout(Duration.ofMillis(300)));
        Host raw = net.host();
        Stream parked = raw.newStream(KadTestNetwork.addressOf(net.hosts.get(0)), List.of(server.protocol()))
                .get(10, TimeUnit.SECONDS);
        long start = System.nanoTime();
        ExecutionException e = assertThrows(ExecutionException.class, () -> parked.readToEnd(1 << 16).get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("reset"), e.getCause().getMessage());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200));
    }

    /** A DHT server that answers every request with {@code count} closer peers that do not exist. */
    private Host liar(int count) {
        Host liar = net.host();
        StandardProtocols.install(liar);
        Message.Builder answer = Message.newBuilder().setType(Message.MessageType.FIND_NODE);
        Random random = new Random(1);
        byte[] nowhere = Multiaddr.of("/ip4/127.0.0.1/tcp/1").toBytes();
        for (int i = 0; i < count; i++) {
            byte[] id = new byte[34];
            random.nextBytes(id);
            id[0] = 0x12;
            id[1] = 32;
            answer.addCloserPeers(Message.Peer.newBuilder().setId(ByteString.copyFrom(PeerId.fromBytes(id).toBytes()))
                    .addAddrs(ByteString.copyFrom(nowhere)));
        }
        byte[] frame = framed(answer.build().toByteArray());
        liar.handle(new KadConfig().protocol(), s -> s.readToEnd(1 << 16).thenRun(() -> {
            s.write(Unpooled.wrappedBuffer(frame));
            s.closeWrite();
        }));
        return liar;
    }

    @Test
    void anAnswerWithThousandsOfCloserPeersIsCutToKAndALargerOneRefused() throws Exception {
        KadDht dht = net.dht(KadTestNetwork.config());
        Host liar = liar(5_000);
        dht.bootstrap(List.of(KadTestNetwork.addressOf(liar))).get(30, TimeUnit.SECONDS);
        assertEquals(1, dht.cutAnswers());
        assertEquals(1, dht.tableSize(), "the liar answered; none of its peers did");

        Host bigLiar = liar(20_000); // about 1 MB: beyond the frame limit
        dht.bootstrap(List.of(KadTestNetwork.addressOf(bigLiar))).get(30, TimeUnit.SECONDS);
        assertEquals(2, dht.cutAnswers(), "the first liar, asked again, is cut again; the big answer is refused whole");

        KadDht peer = net.dht(KadTestNetwork.config());
        peer.bootstrap(List.of(KadTestNetwork.addressOf(net.hosts.get(0)))).get(30, TimeUnit.SECONDS);
        assertTrue(peer.tableSize() >= 1, "the node keeps serving");
    }
}
