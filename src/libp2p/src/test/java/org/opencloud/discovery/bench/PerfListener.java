package org.opencloud.discovery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.mux.MuxedStream;
import org.opencloud.discovery.p2p.pnet.SwarmKey;

/**
 * The Java counterpart of {@code src/test/jspeer/perf-listener.mjs}: a host serving the three anchor
 * protocols with the same semantics, and, as a program, the same JSON lines on stdin/stdout:
 * <ul>
 *   <li>{@value #DISCARD}: read to EOF, reply with the byte count as 8-byte big-endian, close;</li>
 *   <li>{@value #SMALL}: read to EOF, close;</li>
 *   <li>{@value #LP}: count unsigned-varint length-prefixed frames to EOF, reply with the count, close.</li>
 * </ul>
 * Like the js listener it runs no identify or ping. Usage:
 * {@code PerfListener [--listen MULTIADDR] [--psk FILE]}; prints {@code {"event":"ready",..}}, answers
 * {@code {"cmd":"stats"}}, {@code {"cmd":"reset"}}, {@code {"cmd":"quit"}} and exits when stdin closes.
 * Logs go to stderr (see {@code logback-bench.xml}): stdout is the protocol.
 */
public final class PerfListener implements AutoCloseable {
    public static final String DISCARD = "/anchor/discard/1.0.0";
    public static final String SMALL = "/anchor/small/1.0.0";
    public static final String LP = "/anchor/lp/1.0.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Host host;
    private volatile Stats stats = new Stats();

    private PerfListener(Host host) {
        this.host = host;
        host.handle(DISCARD, s -> s.setListener(new Counting(s) {
            @Override
            void finished(Stats st) {
                st.discardStreams.incrementAndGet();
                st.discardBytes.addAndGet(bytes);
                replyAndClose(s, bytes);
            }
        }));
        host.handle(SMALL, s -> s.setListener(new Counting(s) {
            @Override
            void finished(Stats st) {
                st.smallStreams.incrementAndGet();
                st.smallBytes.addAndGet(bytes);
                s.closeWrite();
            }
        }));
        host.handle(LP, s -> s.setListener(new Counting(s) {
            private final LengthPrefixedFrameCounter frames = new LengthPrefixedFrameCounter();

            @Override
            void count(ByteBuf data) {
                frames.push(data);
            }

            @Override
            void finished(Stats st) {
                st.lpStreams.incrementAndGet();
                st.lpFrames.addAndGet(frames.frames());
                st.lpBytes.addAndGet(frames.bodyBytes());
                replyAndClose(s, frames.frames());
            }
        }));
    }

    /** Starts a listener on a random loopback port, in the private network of {@code psk} unless null. */
    public static PerfListener start(Multiaddr listen, SwarmKey psk) {
        Host host = new Host(HostConfig.withIdentity(PrivateKey.generate())
                .listen(listen)
                .privateNetworkKey(psk));
        PerfListener listener = new PerfListener(host);
        host.start();
        return listener;
    }

    /** The first listen address, with {@code /p2p/<id>}. */
    public Multiaddr address() {
        return host.listenAddresses().get(0).withPeerId(host.peerId());
    }

    /** The {@code stats} event, shaped as perf-listener.mjs prints it. */
    public ObjectNode stats() {
        Stats st = stats;
        ObjectNode out = JSON.createObjectNode().put("event", "stats");
        out.putObject("discard").put("streams", st.discardStreams.get()).put("bytes", st.discardBytes.get());
        out.putObject("small").put("streams", st.smallStreams.get()).put("bytes", st.smallBytes.get());
        out.putObject("lp").put("streams", st.lpStreams.get()).put("frames", st.lpFrames.get())
                .put("bytes", st.lpBytes.get());
        out.put("errors", st.errors.get()).put("lastError", st.lastError);
        out.put("connections", host.connections().size());
        return out;
    }

    public void reset() {
        stats = new Stats();
    }

    @Override
    public void close() {
        host.close();
    }

    private static void replyAndClose(Stream s, long count) {
        s.write(Unpooled.buffer(8).writeLong(count));
        s.closeWrite();
    }

    private static final class Stats {
        final AtomicLong discardStreams = new AtomicLong();
        final AtomicLong discardBytes = new AtomicLong();
        final AtomicLong smallStreams = new AtomicLong();
        final AtomicLong smallBytes = new AtomicLong();
        final AtomicLong lpStreams = new AtomicLong();
        final AtomicLong lpFrames = new AtomicLong();
        final AtomicLong lpBytes = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        volatile String lastError;
    }

    /** Reads a stream to its end, counting bytes; counters are added at the end, as the js listener does. */
    private abstract class Counting implements MuxedStream.Listener {
        private final Stream stream;
        long bytes;

        Counting(Stream stream) {
            this.stream = stream;
        }

        void count(ByteBuf data) {
        }

        abstract void finished(Stats st);

        @Override
        public void onData(MuxedStream s, ByteBuf data) {
            try {
                bytes += data.readableBytes();
                count(data);
            } finally {
                data.release();
            }
        }

        @Override
        public void onRemoteClose(MuxedStream s) {
            finished(stats);
        }

        @Override
        public void onReset(MuxedStream s, Throwable cause) {
            Stats st = stats;
            st.errors.incrementAndGet();
            st.lastError = stream.protocol() + ": " + cause.getMessage();
        }
    }

    public static void main(String[] args) throws IOException {
        Multiaddr listen = Multiaddr.of("/ip4/127.0.0.1/tcp/0");
        SwarmKey psk = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--listen" -> listen = Multiaddr.of(args[++i]);
                case "--psk" -> psk = SwarmKey.read(Path.of(args[++i]));
                default -> {
                    System.err.println("usage: PerfListener [--listen MULTIADDR] [--psk FILE]");
                    System.exit(2);
                }
            }
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (PerfListener listener = start(listen, psk)) {
            ObjectNode ready = JSON.createObjectNode().put("event", "ready").put("peerId", listener.host.peerId().toString());
            ready.putArray("addrs").add(listener.address().toString());
            out.println(ready);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                JsonNode cmd;
                try {
                    cmd = JSON.readTree(line);
                } catch (IOException e) {
                    continue; // not a command, as perf-listener.mjs ignores it
                }
                switch (cmd.path("cmd").asText()) {
                    case "stats" -> out.println(listener.stats());
                    case "reset" -> {
                        listener.reset();
                        out.println("{\"event\":\"reset\"}");
                    }
                    case "quit" -> {
                        return;
                    }
                    default -> {
                    }
                }
            }
        }
    }
}
