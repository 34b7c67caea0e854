package org.opencloud.discovery.propagation.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Field names as the codec table accepts them: any spelling of an accepted name (case, '_' and '-' anywhere) is the
 * field, as {@link TolerantJson#normalize} defines it, for any key, and the name as written wins over other spellings.
 */
class TolerantJsonFieldTest {
    private static final String FIELD = "nats.fromApp"; // FromApp, from_app, app
    private final TolerantJson json = new TolerantJson(CodecTable.defaults());

    @Property
    void aKeyIsTheFieldWhenItsNormalizedFormIsOneOfTheNames(@ForAll("keys") String key) {
        ObjectNode object = json.mapper().createObjectNode().put(key, "value");
        boolean named = json.table().fieldNames(FIELD).stream().map(TolerantJson::normalize)
                .anyMatch(TolerantJson.normalize(key)::equals);
        assertEquals(named ? "value" : null, json.text(object, FIELD), key);
    }

    @Property
    void theNameAsWrittenWinsOverOtherSpellings(@ForAll("spellings") String other, @ForAll boolean otherFirst) {
        Assume.that(!other.equals("FromApp"));
        ObjectNode object = json.mapper().createObjectNode();
        if (otherFirst) {
            object.put(other, "spelled");
        }
        object.put("FromApp", "written");
        if (!otherFirst) {
            object.put(other, "spelled");
        }
        assertEquals("written", json.text(object, FIELD));
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.oneOf(spellings(), Arbitraries.strings().ofMaxLength(12),
                spellings().map(s -> s.replace('p', '\u212A')), // not a p: no spelling
                Arbitraries.of("\u212Arom", "fromAppX", "fromAp", ""));
    }

    /** An accepted name with its letters in either case and '_' or '-' put anywhere. */
    @Provide
    Arbitrary<String> spellings() {
        return Arbitraries.of(List.of("FromApp", "from_app", "app")).flatMap(name -> Arbitraries.integers()
                .list().ofSize(name.length()).map(choices -> {
                    StringBuilder out = new StringBuilder();
                    for (int i = 0; i < name.length(); i++) {
                        int choice = Math.floorMod(choices.get(i), 6);
                        char c = name.charAt(i);
                        out.append(choice % 2 == 0 ? Character.toUpperCase(c) : Character.toLowerCase(c));
                        if (choice >= 4) {
                            out.append(choice == 4 ? '_' : '-');
                        }
                    }
                    return out.toString();
                }));
    }
}
