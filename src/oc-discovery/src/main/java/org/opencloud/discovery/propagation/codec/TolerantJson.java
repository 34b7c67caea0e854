package org.opencloud.discovery.propagation.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.util.RawValue;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON reading and writing through a {@link CodecTable}: tolerant on read (field-name
 * variants, enum names or numbers, inline or base64 payloads), configured form on write.
 * Shared by the codec and the peer directory so both read the same way.
 */
public final class TolerantJson {

    private final CodecTable table;
    private final ObjectMapper mapper;
    /** Each field's accepted names as {@link #normalize} writes them, in the table's order. */
    private final Map<String, List<String>> normalizedNames = new ConcurrentHashMap<>();

    public TolerantJson(CodecTable table) {
        this.table = table;
        // One JSON value per message: trailing tokens are a malformed frame, not ignored.
        this.mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public CodecTable table() {
        return table;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** One JSON object from a message body, after {@link #checkBody}; strings must have a UTF-8 form. */
    public ObjectNode parseObject(byte[] body, String what) {
        checkBody(body, what);
        return asObject(readUtf8(body, what), what);
    }

    /** Refuses an empty body or invalid UTF-8 (MALFORMED_JSON) and one over the table's limit (OVERSIZED). */
    public void checkBody(byte[] body, String what) {
        if (body == null || body.length == 0) {
            throw new PropagationException(Reason.MALFORMED_JSON, what + " is empty");
        }
        if (body.length > table.maxMessageBytes()) {
            throw new PropagationException(Reason.OVERSIZED,
                    what + " has " + body.length + " bytes, limit " + table.maxMessageBytes());
        }
        WellFormedText.requireUtf8(body, what);
    }

    /** Any JSON value from text; strings must have a UTF-8 form. */
    public JsonNode parse(String json, String what) {
        try {
            return WellFormedText.requirePairedSurrogates(mapper.readTree(json), what);
        } catch (JsonProcessingException e) {
            throw new PropagationException(Reason.MALFORMED_JSON, what + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    public ObjectNode asObject(JsonNode node, String what) {
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw new PropagationException(Reason.MALFORMED_JSON, what + " is not a JSON object");
    }

    /**
     * The value of a table field, matching names case-insensitively and ignoring '_' and '-'; null if absent. A
     * name as the table writes it is found by lookup, and preferred (as Go's encoding/json prefers an exact match);
     * other spellings by comparing each key without copying it (this runs a dozen times per event).
     */
    public JsonNode field(JsonNode object, String field) {
        if (object == null || !object.isObject()) {
            return null;
        }
        List<String> names = table.fieldNames(field);
        List<String> normalized = normalizedNames.computeIfAbsent(field,
                f -> names.stream().map(TolerantJson::normalize).toList());
        for (int i = 0; i < names.size(); i++) {
            JsonNode exact = object.get(names.get(i));
            if (exact != null && !exact.isNull()) {
                return exact;
            }
            String wanted = normalized.get(i);
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (normalizesTo(entry.getKey(), wanted) && !entry.getValue().isNull()) {
                    return entry.getValue();
                }
            }
        }
        return null;
    }

    /** {@code normalize(key).equals(wanted)}, without building the normalized key while it is ASCII. */
    private static boolean normalizesTo(String key, String wanted) {
        int at = 0;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c >= 0x80) { // String.toLowerCase may turn one such character into others: its way, from here
                return normalize(key).equals(wanted);
            }
            if (c == '_' || c == '-') {
                continue;
            }
            char lower = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
            if (at >= wanted.length() || wanted.charAt(at) != lower) {
                return false;
            }
            at++;
        }
        return at == wanted.length();
    }

    /** A scalar field as text, or null if absent. */
    public String text(JsonNode object, String field) {
        JsonNode value = field(object, field);
        return value == null || value.isContainerNode() ? null : value.asText();
    }

    /** An enum field as its canonical name, null if absent; unknown values throw with the given reason. */
    public String enumName(JsonNode object, String field, CodecTable.EnumKind kind, Reason ifUnknown) {
        JsonNode value = field(object, field);
        if (value == null) {
            return null;
        }
        String name = null;
        // canConvertToInt: asInt() would wrap 4294967298 to 2; other numbers (1.5, 1e2) are no Go int
        if (value.isIntegralNumber() && value.canConvertToInt()) {
            name = table.enumName(kind, value.intValue());
        } else if (value.isTextual()) {
            name = table.enumName(kind, value.asText());
        }
        if (name == null) {
            throw new PropagationException(ifUnknown, "unknown " + kind.name().toLowerCase(Locale.ROOT) + " " + value);
        }
        return name;
    }

    /**
     * A payload field as JSON text, or null if absent, empty or JSON null (however encoded). Accepts inline
     * JSON, a string holding JSON text, or a base64 string of JSON (Go's encoding of {@code []byte}).
     */
    public String payload(JsonNode object, String field) {
        JsonNode decoded = payloadNode(object, field);
        return decoded == null ? null : decoded.toString();
    }

    /** As {@link #payload}, the value itself: what a caller reads further is then not written and parsed again. */
    public JsonNode payloadNode(JsonNode object, String field) {
        JsonNode value = field(object, field);
        if (value == null) {
            return null;
        }
        JsonNode decoded = value.isTextual() ? decodeText(value.asText().trim(), field) : value;
        return decoded.isNull() || decoded.isMissingNode() ? null : decoded;
    }

    private JsonNode decodeText(String text, String field) {
        if (text.startsWith("{") || text.startsWith("[")) {
            return parse(text, field);
        }
        return parseUtf8(base64(text, field), field + " (base64)");
    }

    /** Any JSON value from UTF-8 bytes, as {@link #parse(String, String)} reads it from text. */
    private JsonNode parseUtf8(byte[] json, String what) {
        WellFormedText.requireUtf8(json, what);
        return readUtf8(json, what);
    }

    /** JSON from bytes that are UTF-8; its strings must have a UTF-8 form (no unpaired surrogate escaped). */
    private JsonNode readUtf8(byte[] json, String what) {
        try {
            JsonNode tree = mapper.readTree(json);
            return WellFormedText.mayEscapeSurrogates(json) ? WellFormedText.requirePairedSurrogates(tree, what) : tree;
        } catch (JsonProcessingException e) {
            throw new PropagationException(Reason.MALFORMED_JSON, what + " is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PropagationException(Reason.MALFORMED_JSON, what + " cannot be read: " + e.getMessage(), e);
        }
    }

    public void putText(ObjectNode object, String field, String value) {
        if (value != null) {
            object.put(writeName(field), value);
        }
    }

    public void putBoolean(ObjectNode object, String field, boolean value) {
        object.put(writeName(field), value);
    }

    public void putTextList(ObjectNode object, String field, List<String> values) {
        values.forEach(object.putArray(writeName(field))::add);
    }

    public void putEnum(ObjectNode object, String field, CodecTable.EnumKind kind, String name) {
        if (name == null) {
            return;
        }
        Integer number = table.enumNumber(kind, name);
        if (number == null) {
            Reason reason = switch (kind) {
                case ACTION -> Reason.UNKNOWN_ACTION;
                case DATATYPE -> Reason.UNKNOWN_DATATYPE;
                case RELATION -> Reason.UNKNOWN_RELATION;
            };
            throw new PropagationException(reason, "codec table has no " + kind + " " + name);
        }
        object.set(writeName(field), table.writesEnumsAsNumbers() ? IntNode.valueOf(number) : TextNode.valueOf(name));
    }

    /** Writes a parsed payload in the configured form (its JSON text in base64, or inline); never a null. */
    public void putPayload(ObjectNode object, String field, JsonNode value) {
        putPayload(object, field, value, null);
    }

    /**
     * As {@link #putPayload(ObjectNode, String, JsonNode)}, with {@code text} {@code value} as its tree writes it (or
     * null): then that text goes out as it is, not written again from the tree, as base64 or as JSON.
     */
    public void putPayload(ObjectNode object, String field, JsonNode value, String text) {
        String name = writeName(field);
        if (value == null) {
            throw new PropagationException(Reason.MISSING_FIELD, "no payload to write as " + name);
        }
        if (table.writesPayloadBase64()) {
            String json = text != null ? text : value.toString();
            object.put(name, Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)));
        } else if (text != null) {
            object.putRawValue(name, new RawValue(text));
        } else {
            object.set(name, value);
        }
    }

    public byte[] write(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    private String writeName(String field) {
        return table.fieldNames(field).get(0);
    }

    private static byte[] base64(String text, String field) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException notStandard) {
            try {
                return Base64.getUrlDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw new PropagationException(Reason.MALFORMED_JSON, field + " is neither JSON nor base64 of JSON", e);
            }
        }
    }

    static String normalize(String name) {
        return name.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }
}
