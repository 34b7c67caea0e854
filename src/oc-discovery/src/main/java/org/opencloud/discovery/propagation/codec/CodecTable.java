package org.opencloud.discovery.propagation.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Field names, enum numbering and written forms of every message (spec 3.4), read from
 * properties so an operator can match upstream without recompiling. Immutable.
 * {@code codec-default.properties} documents each key; an operator file overrides keys one by one.
 */
public final class CodecTable {

    /** Classpath resource with the default table. */
    public static final String DEFAULT_RESOURCE = "/codec-default.properties";

    /** The enum families the table numbers. */
    public enum EnumKind {
        ACTION("action"), DATATYPE("datatype"), RELATION("relation");

        private final String key;

        EnumKind(String key) {
            this.key = key;
        }
    }

    private static final String FIELD = "field.";
    private static final String ENUM = "enum.";
    /** ASCII only: Character.isDigit would admit other scripts' digits, which Integer.valueOf reads too. */
    private static final Pattern ASCII_NUMBER = Pattern.compile("-?[0-9]+");

    private final Map<String, List<String>> fieldNames = new HashMap<>();
    private final Map<EnumKind, Map<String, Integer>> numbersByName = new EnumMap<>(EnumKind.class);
    private final Map<EnumKind, Map<Integer, String>> namesByNumber = new EnumMap<>(EnumKind.class);
    private final boolean enumsAsNumbers;
    private final boolean payloadBase64;
    private final int maxMessageBytes;

    private CodecTable(Properties merged) {
        for (EnumKind kind : EnumKind.values()) {
            numbersByName.put(kind, new LinkedHashMap<>());
            namesByNumber.put(kind, new HashMap<>());
        }
        for (String key : merged.stringPropertyNames()) {
            String value = merged.getProperty(key).trim();
            if (key.startsWith(FIELD)) {
                fieldNames.put(key.substring(FIELD.length()), splitNames(key, value));
            } else if (key.startsWith(ENUM)) {
                putEnum(key, value);
            }
        }
        enumsAsNumbers = choice(merged, "write.enums", "numbers", "names");
        payloadBase64 = choice(merged, "write.payload", "base64", "inline");
        maxMessageBytes = Integer.parseInt(merged.getProperty("limit.messageBytes").trim());
        for (Action action : Action.values()) {
            if (!numbersByName.get(EnumKind.ACTION).containsKey(action.name())) {
                throw new IllegalArgumentException("codec table: no number for action " + action);
            }
        }
    }

    /** The default table shipped in {@value #DEFAULT_RESOURCE}. */
    public static CodecTable defaults() {
        return withOverrides(new Properties());
    }

    /** The default table with some keys replaced; an unknown key is a typo and is refused. */
    public static CodecTable withOverrides(Properties overrides) {
        Properties merged = loadDefaults();
        for (String key : overrides.stringPropertyNames()) {
            boolean known = merged.containsKey(key) || key.startsWith(ENUM + EnumKind.DATATYPE.key + ".");
            if (!known) {
                throw new IllegalArgumentException("codec table: unknown key " + key);
            }
            merged.setProperty(key, overrides.getProperty(key));
        }
        return new CodecTable(merged);
    }

    /** The default table overridden by an operator's properties file. */
    public static CodecTable fromFile(Path file) {
        Properties overrides = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            overrides.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read codec table " + file, e);
        }
        return withOverrides(overrides);
    }

    /** Accepted names of a field, e.g. {@code nats.fromApp}; the first is the written one. */
    public List<String> fieldNames(String field) {
        List<String> names = fieldNames.get(field);
        if (names == null) {
            throw new IllegalArgumentException("codec table has no field " + field);
        }
        return names;
    }

    /** Canonical name of an enum value given as a name or a number, or null if the table lacks it. */
    public String enumName(EnumKind kind, String nameOrNumber) {
        String text = nameOrNumber.trim();
        if (ASCII_NUMBER.matcher(text).matches()) {
            try {
                return namesByNumber.get(kind).get(Integer.valueOf(text));
            } catch (NumberFormatException beyondInt) {
                return null;
            }
        }
        String upper = text.toUpperCase(Locale.ROOT);
        return numbersByName.get(kind).containsKey(upper) ? upper : null;
    }

    /** Canonical name of an enum value given as a number, or null if the table lacks it. */
    public String enumName(EnumKind kind, int number) {
        return namesByNumber.get(kind).get(number);
    }

    /** The wire number of an enum name, or null if the table lacks it. */
    public Integer enumNumber(EnumKind kind, String name) {
        return numbersByName.get(kind).get(name);
    }

    public boolean writesEnumsAsNumbers() {
        return enumsAsNumbers;
    }

    public boolean writesPayloadBase64() {
        return payloadBase64;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    private void putEnum(String key, String value) {
        String rest = key.substring(ENUM.length());
        int dot = rest.indexOf('.');
        EnumKind kind = Arrays.stream(EnumKind.values())
                .filter(k -> dot > 0 && k.key.equals(rest.substring(0, dot)))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("codec table: unknown enum key " + key));
        String name = rest.substring(dot + 1).toUpperCase(Locale.ROOT);
        int number = Integer.parseInt(value);
        String previous = namesByNumber.get(kind).put(number, name);
        if (previous != null) {
            throw new IllegalArgumentException("codec table: " + kind + " number " + number
                    + " given to both " + previous + " and " + name);
        }
        numbersByName.get(kind).put(name, number);
    }

    private static List<String> splitNames(String key, String value) {
        List<String> names = new ArrayList<>();
        for (String name : value.split(",")) {
            if (!name.isBlank()) {
                names.add(name.trim());
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("codec table: no name for " + key);
        }
        return List.copyOf(names);
    }

    private static boolean choice(Properties p, String key, String yes, String no) {
        String value = p.getProperty(key).trim().toLowerCase(Locale.ROOT);
        if (!value.equals(yes) && !value.equals(no)) {
            throw new IllegalArgumentException("codec table: " + key + " must be " + yes + " or " + no);
        }
        return value.equals(yes);
    }

    private static Properties loadDefaults() {
        Properties p = new Properties();
        try (InputStream in = CodecTable.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + DEFAULT_RESOURCE);
            }
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULT_RESOURCE, e);
        }
        return p;
    }
}
