package org.opencloud.discovery.propagation.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.propagation.codec.CodecTable.EnumKind.ACTION;
import static org.opencloud.discovery.propagation.codec.CodecTable.EnumKind.DATATYPE;
import static org.opencloud.discovery.propagation.codec.CodecTable.EnumKind.RELATION;

class CodecTableTest {

    @Test
    void defaultsFollowOcLibIotaLists() {
        CodecTable table = CodecTable.defaults();
        assertEquals(0, table.enumNumber(ACTION, "PB_SEARCH"));
        assertEquals(2, table.enumNumber(ACTION, "PB_CREATE"));
        assertEquals(8, table.enumNumber(ACTION, "PB_CONSIDERS"));
        assertEquals(10, table.enumNumber(ACTION, "PB_MINIO_CONFIG"));
        assertEquals(9, table.enumNumber(DATATYPE, "PEER"));
        assertEquals(12, table.enumNumber(DATATYPE, "BOOKING"));
        assertEquals("PARTNER", table.enumName(RELATION, 2));
        assertTrue(table.writesEnumsAsNumbers());
        assertTrue(table.writesPayloadBase64());
        assertEquals(4 * 1024 * 1024, table.maxMessageBytes());
        assertEquals(List.of("FromApp", "from_app", "app"), table.fieldNames("nats.fromApp"));
    }

    @Test
    void enumNamesAreReadAsNamesOrNumbers() {
        CodecTable table = CodecTable.defaults();
        assertEquals("PEER", table.enumName(DATATYPE, "peer"));
        assertEquals("PEER", table.enumName(DATATYPE, "9"));
        assertNull(table.enumName(DATATYPE, "99"));
        assertNull(table.enumName(ACTION, "PB_NOTHING"));
        assertNull(table.enumName(ACTION, "4294967298"), "beyond an int, not wrapped");
        assertNull(table.enumName(ACTION, "-1"));
        assertNull(table.enumName(ACTION, "1.5"));
        assertNull(table.enumName(DATATYPE, "\u0669"), "an Arabic-Indic nine is no wire number");
    }

    @Test
    void operatorFileOverridesKeysAndAddsDataTypes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("codec.properties");
        Files.writeString(file, """
                write.enums=names
                write.payload=inline
                limit.messageBytes=1024
                field.nats.fromApp=from_app
                enum.datatype.ORDER=15
                """);
        CodecTable table = CodecTable.fromFile(file);
        assertFalse(table.writesEnumsAsNumbers());
        assertFalse(table.writesPayloadBase64());
        assertEquals(1024, table.maxMessageBytes());
        assertEquals(List.of("from_app"), table.fieldNames("nats.fromApp"));
        assertEquals("ORDER", table.enumName(DATATYPE, 15));
    }

    @Test
    void typosAndClashesAreRefused() {
        Properties typo = new Properties();
        typo.setProperty("field.nats.fromAp", "x");
        assertThrows(IllegalArgumentException.class, () -> CodecTable.withOverrides(typo));

        Properties clash = new Properties();
        clash.setProperty("enum.action.PB_SEARCH", "2");
        assertThrows(IllegalArgumentException.class, () -> CodecTable.withOverrides(clash));

        Properties badForm = new Properties();
        badForm.setProperty("write.payload", "hex");
        assertThrows(IllegalArgumentException.class, () -> CodecTable.withOverrides(badForm));
    }
}
