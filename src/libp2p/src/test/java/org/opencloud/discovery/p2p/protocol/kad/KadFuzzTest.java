package org.opencloud.discovery.p2p.protocol.kad;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.concurrent.ImmediateEventExecutor;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.opencloud.discovery.fuzz.DecoderFuzz;
import org.opencloud.discovery.fuzz.FuzzChannels;
import org.opencloud.discovery.fuzz.FuzzInputs;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.VarintFrameReader;
import org.opencloud.discovery.p2p.mux.MuxedStream;
import org.opencloud.discovery.p2p.mux.RecordingMuxedStream;
import org.opencloud.discovery.p2p.protocol.kad.pb.KadProto;
import org.opencloud.discovery.p2p.protocol.kad.pb.KadProto.Message;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DHT messages of any bytes in any chunking, read as a server reads them: frames split by their varint length
 * (one over the limit refused from its prefix, the stream reset), each parsed and answered by a real
 * {@link KadServer} (refusals are a protobuf or {@link Libp2pException}; each answer's cost is checked on its
 * own, since it is k peers whatever the request), and read as a client reads an answer's closer peers (at most
 * k, each with at most the address limit). Frames we write read back.
 */
class KadFuzzTest {
    private static final int MAX_MESSAGE = 16 * 1024;
    private static final int MAX_ADDRESSES = 8;
    private static final PeerId ASKER = PrivateKey.generate().peerId();
    /** A frame costs its parse (up to a few KiB) whatever its length: the bound per byte covers 1-byte frames. */
    private static final DecoderFuzz FRAMES = DecoderFuzz.of("kad frames and messages",
            FuzzChannels.FIXED_BYTES, 4096);
    /** Per request: an answer costs its k closer peers whatever the request's size, hence the fixed part. */
    private static final DecoderFuzz ANSWERS = DecoderFuzz.of("kad server answers", 512 * 1024, 64,
            InvalidProtocolBufferException.class, Libp2pException.class);
    private static KadTestNetwork net;
    private static KadServer server;

    @BeforeContainer
    static void start() {
        net = new KadTestNetwork();
        var host = net.host();
        RoutingTable table = new RoutingTable(host.peerId(), KadConfig.K, p -> true);
        for (int i = 0; i < 40; i++) {
            table.add(new KadPeer(PrivateKey.generate().peerId(), List.of(Multiaddr.of("/ip4/127.0.0.1/tcp/" + (4000 + i)))));
        }
        RecordStore store = new RecordStore(64, 1024, Duration.ofMinutes(1), Clock.systemUTC());
        store.put("/test/held".getBytes(), SeqValidator.value(5, "held"));
        server = new KadServer(host, table, store, new RecordValidators().register("test", new SeqValidator()),
                MAX_MESSAGE, Duration.ofMinutes(1));
    }

    @AfterContainer
    static void stop() {
        net.close();
        System.out.println(FRAMES.summary());
        System.out.println(ANSWERS.summary());
    }

    @Provide
    Arbitrary<byte[]> requests() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(framed(KadMessages.findNode(PrivateKey.generate().peerId())));
        seeds.add(framed(KadMessages.getValue("/test/held".getBytes())));
        seeds.add(framed(KadMessages.putValue("/test/x".getBytes(), SeqValidator.value(7, "x"))));
        seeds.add(framed(Message.newBuilder().setType(Message.MessageType.PING).build()));
        Message.Builder answer = Message.newBuilder().setType(Message.MessageType.FIND_NODE);
        for (int i = 0; i < 3; i++) {
            answer.addCloserPeers(KadMessages.peer(PrivateKey.generate().peerId(),
                    List.of(Multiaddr.of("/ip4/127.0.0.1/tcp/1"), Multiaddr.of("/dns4/localhost/tcp/2"))));
        }
        seeds.add(framed(answer.setRecord(KadProto.Record.newBuilder().setKey(ByteString.copyFromUtf8("/test/a"))
                .setValue(ByteString.copyFromUtf8("1:a"))).build()));
        return FuzzInputs.mutationsOf(seeds, 2 * MAX_MESSAGE);
    }

    @Property
    void requestsAreAnsweredOrRefusedAndAnswersReadBounded(@ForAll("requests") byte[] input, @ForAll long chunking) {
        List<byte[]> frames = new ArrayList<>();
        FRAMES.check(input, bytes -> {
            frames.clear();
            read(bytes, chunking, frames);
        });
        for (byte[] frame : frames) {
            ANSWERS.check(frame, bytes -> {
                Message answer = server.answer(Message.parseFrom(bytes), ASKER);
                assertTrue(answer.getCloserPeersCount() <= KadConfig.K);
            });
        }
    }

    @Property
    void framesWeWriteReadBack(@ForAll long chunking) throws InvalidProtocolBufferException {
        List<Message> sent = List.of(KadMessages.findNode(ASKER), KadMessages.getValue("/test/held".getBytes()),
                KadMessages.putValue("/test/y".getBytes(), SeqValidator.value(9, "y")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sent.forEach(m -> out.writeBytes(framed(m)));
        byte[] wire = out.toByteArray();
        List<byte[]> received = new ArrayList<>();
        FRAMES.check(wire, bytes -> {
            received.clear();
            read(bytes, chunking, received);
        });
        assertEquals(sent.size(), received.size());
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(sent.get(i), Message.parseFrom(received.get(i)));
        }
    }

    /**
     * Feeds {@code input} to a server's frame reader and reads each frame as the client reads an answer;
     * {@code frames} collects the frames that parse.
     */
    private static void read(byte[] input, long chunking, List<byte[]> frames) {
        RecordingMuxedStream stream = new RecordingMuxedStream(1, ImmediateEventExecutor.INSTANCE);
        VarintFrameReader reader = new VarintFrameReader(MAX_MESSAGE, new VarintFrameReader.Frames() {
            @Override
            public void onFrame(MuxedStream s, byte[] frame) {
                assertTrue(frame.length <= MAX_MESSAGE);
                try {
                    Message message = Message.parseFrom(frame);
                    frames.add(frame);
                    List<KadPeer> closer = KadMessages.closerPeers(message, KadConfig.K, MAX_ADDRESSES);
                    assertTrue(closer.size() <= KadConfig.K);
                    closer.forEach(p -> assertTrue(p.addresses().size() <= MAX_ADDRESSES));
                } catch (InvalidProtocolBufferException e) {
                    s.reset(); // what the server does with a request it cannot parse
                }
            }

            @Override
            public void onEnd(MuxedStream s) {
            }

            @Override
            public void onFailure(MuxedStream s, String reason) {
                assertTrue(stream.wasReset(), "a refused stream is reset");
            }
        });
        for (byte[] chunk : FuzzChannels.chunks(input, chunking)) {
            reader.onData(stream, FuzzChannels.buffer(chunk));
        }
        reader.onRemoteClose(stream);
        assertEquals(0, stream.scope().usage().memory(), "the reader keeps no bytes counted once the stream ended");
    }

    private static byte[] framed(Message message) {
        ByteBuf frame = KadMessages.frame(message);
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }
}
