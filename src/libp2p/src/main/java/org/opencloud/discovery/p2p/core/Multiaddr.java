package org.opencloud.discovery.p2p.core;

import io.netty.util.NetUtil;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A multiaddr: a list of (protocol, value) components, in text form {@code /ip4/1.2.3.4/tcp/4001/p2p/12D3…}
 * and binary form {@code uvarint(code) ‖ value} as identify and kad carry it. Immutable.
 */
public final class Multiaddr {

    /** The multiaddr protocols this stack reads and writes (multiformats protocols.csv). */
    public enum Protocol {
        IP4(4, "ip4", 4), TCP(6, "tcp", 2), UDP(273, "udp", 2), DNS(53, "dns", -1), DNS4(54, "dns4", -1),
        DNS6(55, "dns6", -1), DNSADDR(56, "dnsaddr", -1), IP6(41, "ip6", 16), P2P(421, "p2p", -1),
        P2P_CIRCUIT(290, "p2p-circuit", 0), QUIC_V1(461, "quic-v1", 0), WS(477, "ws", 0), WSS(478, "wss", 0);

        private static final Map<Integer, Protocol> BY_CODE =
                Stream.of(values()).collect(Collectors.toMap(p -> p.code, Function.identity()));
        private static final Map<String, Protocol> BY_NAME =
                Stream.of(values()).collect(Collectors.toMap(p -> p.text, Function.identity()));

        final int code;
        final String text;
        /** Value size in bytes: fixed, 0 for none, -1 for length-prefixed. */
        final int size;

        Protocol(int code, String text, int size) {
            this.code = code;
            this.text = text;
            this.size = size;
        }

        public String text() {
            return text;
        }

        static Protocol byName(String name) {
            Protocol p = "ipfs".equals(name) ? P2P : BY_NAME.get(name);
            if (p == null) {
                throw new Libp2pException("unknown multiaddr protocol /" + name);
            }
            return p;
        }

        static Protocol byCode(long code) {
            Protocol p = BY_CODE.get((int) code);
            if (p == null || code != p.code) {
                throw new Libp2pException("unknown multiaddr protocol code " + code);
            }
            return p;
        }
    }

    /** One component; {@code value} is the binary value (empty for zero-size protocols). */
    public record Component(Protocol protocol, byte[] value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Component c && c.protocol == protocol && Arrays.equals(c.value, value);
        }

        @Override
        public int hashCode() {
            return protocol.hashCode() * 31 + Arrays.hashCode(value);
        }

        /** The value in text form (empty for zero-size protocols). */
        public String text() {
            return switch (protocol) {
                case IP4, IP6 -> ipText(value);
                case TCP, UDP -> Integer.toString(((value[0] & 0xFF) << 8) | (value[1] & 0xFF));
                case DNS, DNS4, DNS6, DNSADDR -> new String(value, StandardCharsets.UTF_8);
                case P2P -> PeerId.fromBytes(value).toString();
                default -> "";
            };
        }
    }

    private final List<Component> components;

    private Multiaddr(List<Component> components) {
        this.components = List.copyOf(components);
    }

    public static Multiaddr of(String text) {
        if (!text.startsWith("/")) {
            throw new Libp2pException("multiaddr must start with '/': " + text);
        }
        String[] parts = text.substring(1).split("/", -1);
        List<Component> out = new ArrayList<>();
        int i = 0;
        while (i < parts.length) {
            if (parts[i].isEmpty() && i == parts.length - 1 && i > 0) {
                break; // tolerate one trailing slash
            }
            Protocol p = Protocol.byName(parts[i++]);
            if (p.size == 0) {
                out.add(new Component(p, new byte[0]));
                continue;
            }
            if (i >= parts.length || parts[i].isEmpty()) {
                throw new Libp2pException("multiaddr " + text + ": /" + p.text + " needs a value");
            }
            out.add(new Component(p, valueBytes(p, parts[i++])));
        }
        if (out.isEmpty()) {
            throw new Libp2pException("empty multiaddr");
        }
        return new Multiaddr(out);
    }

    public static Multiaddr fromBytes(byte[] bytes) {
        List<Component> out = new ArrayList<>();
        int[] at = {0};
        while (at[0] < bytes.length) {
            Protocol p = Protocol.byCode(Varint.read(bytes, at));
            long size = p.size >= 0 ? p.size : Varint.read(bytes, at);
            if (size > bytes.length - at[0]) {
                throw new Libp2pException("truncated multiaddr value for /" + p.text);
            }
            byte[] value = Arrays.copyOfRange(bytes, at[0], at[0] + (int) size);
            at[0] += (int) size;
            if (p == Protocol.P2P) {
                PeerId.fromBytes(value);
            } else if (p.size < 0) {
                requireDnsName(p, value);
            }
            out.add(new Component(p, value));
        }
        if (out.isEmpty()) {
            throw new Libp2pException("empty multiaddr");
        }
        return new Multiaddr(out);
    }

    /**
     * A DNS value must read back from the text form: UTF-8, not empty, no {@code /}. Otherwise a peer's address
     * {@code /dns4/x/tcp/1/p2p/<other peer>} inside one name would become other components, another peer's
     * address, once written as text and read again (as the directory stores addresses).
     */
    private static void requireDnsName(Protocol p, byte[] value) {
        boolean slash = false;
        for (byte b : value) {
            slash |= b == '/';
        }
        if (value.length == 0 || slash || !isUtf8(value)) {
            throw new Libp2pException("/" + p.text + " value is not a name that reads back from text");
        }
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)); // reports, never replaces
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** {@code /ip4/…/tcp/port} or {@code /ip6/…/tcp/port} for a socket address. */
    public static Multiaddr fromSocketAddress(InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        byte[] port = {(byte) (address.getPort() >> 8), (byte) address.getPort()};
        return new Multiaddr(List.of(new Component(ip.length == 4 ? Protocol.IP4 : Protocol.IP6, ip),
                new Component(Protocol.TCP, port)));
    }

    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Component c : components) {
            out.writeBytes(Varint.encode(c.protocol.code));
            if (c.protocol.size < 0) {
                out.writeBytes(Varint.encode(c.value.length));
            }
            out.writeBytes(c.value);
        }
        return out.toByteArray();
    }

    public List<Component> components() {
        return components;
    }

    /** The peer id of the last {@code /p2p} component, or null. */
    public PeerId peerId() {
        for (int i = components.size() - 1; i >= 0; i--) {
            if (components.get(i).protocol == Protocol.P2P) {
                return PeerId.fromBytes(components.get(i).value);
            }
        }
        return null;
    }

    /** This address without a trailing {@code /p2p/…} component. */
    public Multiaddr withoutPeerId() {
        Component last = components.get(components.size() - 1);
        return last.protocol == Protocol.P2P && components.size() > 1
                ? new Multiaddr(components.subList(0, components.size() - 1)) : this;
    }

    /** This address ending in {@code /p2p/<peer>} (replacing any peer id it had). */
    public Multiaddr withPeerId(PeerId peer) {
        List<Component> out = new ArrayList<>(withoutPeerId().components);
        out.add(new Component(Protocol.P2P, peer.toBytes()));
        return new Multiaddr(out);
    }

    /**
     * The TCP endpoint {@code /ip4|ip6|dns|dns4|dns6/host/tcp/port}, unresolved for DNS names.
     *
     * @throws Libp2pException if this is not a TCP address
     */
    public InetSocketAddress toTcpSocketAddress() {
        if (components.size() < 2 || components.get(1).protocol != Protocol.TCP) {
            throw new Libp2pException("not a TCP multiaddr: " + this);
        }
        Component host = components.get(0);
        int port = Integer.parseInt(components.get(1).text());
        return switch (host.protocol) {
            case IP4, IP6 -> {
                try {
                    yield new InetSocketAddress(InetAddress.getByAddress(host.value), port);
                } catch (UnknownHostException e) {
                    throw new Libp2pException("bad IP in " + this, e);
                }
            }
            case DNS, DNS4, DNS6 -> InetSocketAddress.createUnresolved(host.text(), port);
            default -> throw new Libp2pException("not a TCP multiaddr: " + this);
        };
    }

    private static byte[] valueBytes(Protocol p, String text) {
        return switch (p) {
            case IP4 -> ipBytes(text, 4);
            case IP6 -> ipBytes(text, 16);
            case TCP, UDP -> {
                int port;
                try {
                    port = Integer.parseInt(text);
                } catch (NumberFormatException e) {
                    throw new Libp2pException("bad port '" + text + "'");
                }
                if (port < 0 || port > 65535) {
                    throw new Libp2pException("port out of range: " + port);
                }
                yield new byte[] {(byte) (port >> 8), (byte) port};
            }
            case DNS, DNS4, DNS6, DNSADDR -> text.getBytes(StandardCharsets.UTF_8);
            case P2P -> PeerId.fromString(text).toBytes();
            default -> throw new Libp2pException("/" + p.text + " takes no value");
        };
    }

    /** Parses an IP literal strictly and without any DNS lookup (InetAddress.getByName would resolve non-literals). */
    private static byte[] ipBytes(String text, int length) {
        boolean literal = length == 4
                ? NetUtil.isValidIpV4Address(text) && !hasLeadingZeroOctet(text)
                : NetUtil.isValidIpV6Address(text) && text.indexOf('%') < 0 && text.indexOf('[') < 0;
        byte[] b = literal ? NetUtil.createByteArrayFromIpAddressString(text) : null;
        if (b == null) {
            throw new Libp2pException("not an IPv" + (length == 4 ? 4 : 6) + " address: " + text);
        }
        if (b.length == 4 && length == 16) { // an IPv4-mapped IPv6 literal
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(b, 0, mapped, 12, 4);
            return mapped;
        }
        return b;
    }

    /** go rejects octets like {@code 010} (octal in some parsers); so do we. */
    private static boolean hasLeadingZeroOctet(String text) {
        for (String octet : text.split("\\.")) {
            if (octet.length() > 1 && octet.charAt(0) == '0') {
                return true;
            }
        }
        return false;
    }

    private static String ipText(byte[] ip) {
        if (ip.length == 4) {
            return (ip[0] & 0xFF) + "." + (ip[1] & 0xFF) + "." + (ip[2] & 0xFF) + "." + (ip[3] & 0xFF);
        }
        if (isIpv4Mapped(ip)) { // RFC 5952 section 5, as go-multiaddr prints it
            return "::ffff:" + ipText(Arrays.copyOfRange(ip, 12, 16));
        }
        return rfc5952(ip);
    }

    private static boolean isIpv4Mapped(byte[] ip) {
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return ip[10] == (byte) 0xFF && ip[11] == (byte) 0xFF;
    }

    /** IPv6 text as RFC 5952 writes it: lower case, no leading zeros, the longest zero run as {@code ::}. */
    private static String rfc5952(byte[] ip) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((ip[2 * i] & 0xFF) << 8) | (ip[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Component c : components) {
            sb.append('/').append(c.protocol.text);
            if (c.protocol.size != 0) {
                sb.append('/').append(c.text());
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multiaddr m && m.components.equals(components);
    }

    @Override
    public int hashCode() {
        return components.hashCode();
    }
}
