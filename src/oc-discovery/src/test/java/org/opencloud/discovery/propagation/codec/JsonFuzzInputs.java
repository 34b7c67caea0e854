package org.opencloud.discovery.propagation.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.opencloud.discovery.fuzz.FuzzInputs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Inputs for the JSON decoders: half {@link FuzzInputs}' byte mutations of the seeds, half structure-aware
 * mutations that keep the JSON valid so that the decoder's own checks are reached: a value anywhere in the tree
 * replaced by an extreme one (enum numbers beyond int, 1e400, an unpaired surrogate escape, deep nesting, a
 * long string, base64 of JSON where JSON is expected, a peer id that is almost one), a field removed or renamed
 * to one of its spelling variants, a payload re-encoded as base64.
 */
public final class JsonFuzzInputs {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String RAW = "\u0001raw";
    /** JSON text put where a value was, as is (some of it is what no serializer writes: surrogates, 1e400). */
    private static final List<String> EXTREMES = List.of("null", "true", "\"\"", "0", "-1", "1.5", "1e400", "-0",
            "4294967298", "9223372036854775808", "-2147483649", "\"\\ud800\"", "\"\\udc00x\"", "\"\\u0000\"",
            "\"e30=\"", "\"eyJhIjoxfQ==\"", "\"{}\"", "\"[]\"", "{}", "[]", "\"   \"", "\"PB_CREATE\"", "\" 2 \"",
            "\"12D3KooW\"", "\"QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N\"", "\"/ip4/127.0.0.1/tcp/1/p2p/x\"",
            "[".repeat(600) + "]".repeat(600), "[".repeat(996) + "]".repeat(996), "[".repeat(999) + "]".repeat(999),
            "[".repeat(1000) + "]".repeat(1000), "[".repeat(1001) + "]".repeat(1001), "{\"a\":".repeat(300) + "1" + "}".repeat(300),
            "\"" + "z".repeat(5000) + "\"", "\"" + "é".repeat(300) + "\"", "[\"a\",1,null,{}]");
    private static final List<String> NAME_VARIANTS = List.of("peer_id", "PeerID", "peerId", "Payload", "payload",
            "data_type", "DataType", "Datatype", "from_app", "FromApp", "type", "action", "Action", "PeerIDs",
            "peers", "stream_address", "addresses", "relation", "expires_at", "peer_record", "id", "search", "x");

    private JsonFuzzInputs() {
    }

    /** Byte and structure mutations of the JSON {@code seeds}, none longer than {@code maxLength}. */
    public static Arbitrary<byte[]> mutationsOf(List<byte[]> seeds, int maxLength) {
        List<JsonNode> trees = seeds.stream().map(JsonFuzzInputs::tree).toList();
        Arbitrary<byte[]> structured = Arbitraries.randomValue(r -> structured(r, trees));
        return Arbitraries.oneOf(FuzzInputs.mutationsOf(seeds, maxLength), structured);
    }

    private static byte[] structured(Random r, List<JsonNode> trees) {
        JsonNode root = trees.get(r.nextInt(trees.size())).deepCopy();
        List<String> raws = new ArrayList<>();
        int rounds = 1 + r.nextInt(3);
        for (int i = 0; i < rounds; i++) {
            root = mutate(r, root, raws);
        }
        String text = root.toString();
        for (int i = 0; i < raws.size(); i++) {
            text = text.replace("\"" + escapedMarker(i) + "\"", raws.get(i));
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode mutate(Random r, JsonNode root, List<String> raws) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        if (containers.isEmpty()) {
            return root;
        }
        JsonNode target = containers.get(r.nextInt(containers.size()));
        if (target instanceof ObjectNode object && object.size() > 0) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            String name = names.get(r.nextInt(names.size()));
            switch (r.nextInt(5)) {
                case 0 -> object.remove(name);
                case 1 -> object.set(NAME_VARIANTS.get(r.nextInt(NAME_VARIANTS.size())), object.remove(name));
                case 2 -> object.put(name, Base64.getEncoder().encodeToString(
                        object.get(name).toString().getBytes(StandardCharsets.UTF_8)));
                default -> object.set(name, raw(r, raws));
            }
        } else if (target instanceof ArrayNode array && array.size() > 0) {
            array.set(r.nextInt(array.size()), raw(r, raws));
        } else if (target instanceof ArrayNode array) {
            array.add(raw(r, raws));
        }
        return root;
    }

    private static TextNode raw(Random r, List<String> raws) {
        raws.add(EXTREMES.get(r.nextInt(EXTREMES.size())));
        return TextNode.valueOf(RAW + (raws.size() - 1));
    }

    private static String escapedMarker(int i) {
        return "\\u0001raw" + i;
    }

    /** The objects and arrays of the tree. */
    private static void collect(JsonNode node, List<JsonNode> into) {
        if (node instanceof ContainerNode<?>) {
            into.add(node);
            node.forEach(child -> collect(child, into));
        }
    }

    private static JsonNode tree(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("a seed is no JSON", e);
        }
    }
}
