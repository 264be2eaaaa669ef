package io.millrace.row;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Building schemas and looking columns up: the errors name what is wrong.
 */
class SchemaTest
{
    private final Schema schema = Schema.builder()
        .longColumn("l")
        .intColumn("i")
        .doubleColumn("d")
        .booleanColumn("b")
        .timestampColumn("ts")
        .stringColumn("s", 10)
        .build();

    @Test
    void shouldListColumnsInOrderWithTheirOffsets()
    {
        final List<Column> columns = schema.columns();
        assertEquals(6, schema.size());
        final String[] names = {"l", "i", "d", "b", "ts", "s"};
        final ColumnType[] types = {
            ColumnType.LONG, ColumnType.INT, ColumnType.DOUBLE, ColumnType.BOOLEAN, ColumnType.TIMESTAMP,
            ColumnType.STRING};
        int offset = 0;
        for (int c = 0; c < names.length; c++)
        {
            assertEquals(names[c], columns.get(c).name());
            assertEquals(types[c], columns.get(c).type());
            assertEquals(c, columns.get(c).index());
            assertEquals(offset, columns.get(c).fixedOffset());
            assertSame(columns.get(c), schema.column(names[c]));
            offset += types[c].fixedWidth();
        }
        assertEquals(offset, schema.fixedLength());
        assertEquals(offset + 10, schema.maxRowLength());
        assertTrue(schema.contains("ts"));
        assertFalse(schema.contains("TS"));
        assertThrows(UnsupportedOperationException.class, () -> schema.columns().clear());
    }

    @Test
    void shouldRejectAnUnknownColumnNamingIt()
    {
        for (final Executable lookup : List.<Executable>of(
            () -> schema.column("missing"),
            () -> schema.longColumn("missing"),
            () -> schema.intColumn("missing"),
            () -> schema.doubleColumn("missing"),
            () -> schema.booleanColumn("missing"),
            () -> schema.stringColumn("missing")))
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, lookup);
            assertTrue(ex.getMessage().contains("'missing'"), ex.getMessage());
        }
    }

    @Test
    void shouldRejectAColumnOfTheWrongTypeNamingIt()
    {
        final List<Executable> wrong = List.of(
            () -> schema.longColumn("i"),
            () -> schema.longColumn("d"),
            () -> schema.longColumn("s"),
            () -> schema.intColumn("l"),
            () -> schema.intColumn("ts"),
            () -> schema.doubleColumn("l"),
            () -> schema.doubleColumn("i"),
            () -> schema.booleanColumn("i"),
            () -> schema.stringColumn("b"),
            () -> schema.stringColumn("ts"));
        final String[] named = {"'i'", "'d'", "'s'", "'l'", "'ts'", "'l'", "'i'", "'i'", "'b'", "'ts'"};
        for (int n = 0; n < wrong.size(); n++)
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, wrong.get(n));
            assertTrue(ex.getMessage().contains(named[n]), ex.getMessage());
        }
        // A TIMESTAMP is read as a long.
        assertEquals(ColumnType.TIMESTAMP, schema.longColumn("ts").type());
    }

    @Test
    void shouldRejectDuplicateNamesOfAnyType()
    {
        final IllegalArgumentException sameType = assertThrows(IllegalArgumentException.class,
            () -> Schema.builder().longColumn("x").longColumn("x"));
        assertTrue(sameType.getMessage().contains("'x'"), sameType.getMessage());
        final IllegalArgumentException otherType = assertThrows(IllegalArgumentException.class,
            () -> Schema.builder().stringColumn("x", 5).booleanColumn("y").timestampColumn("x"));
        assertTrue(otherType.getMessage().contains("'x'"), otherType.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Schema.builder().intColumn("a").like(schema.column("b"))
            .like("a", schema.column("d")));
    }

    @Test
    void shouldRejectEmptyNamesAndEmptySchemas()
    {
        assertThrows(IllegalArgumentException.class, () -> Schema.builder().longColumn(""));
        assertThrows(IllegalArgumentException.class, () -> Schema.builder().intColumn(null));
        assertThrows(IllegalArgumentException.class, () -> Schema.builder().build());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, Integer.MIN_VALUE, Schema.MAX_STRING_LENGTH + 1, Integer.MAX_VALUE})
    void shouldRejectStringMaximumsOutOfRange(final int maxLength)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> Schema.builder().stringColumn("big", maxLength));
        assertTrue(ex.getMessage().contains("'big'"), ex.getMessage());
    }

    @Test
    void shouldAcceptStringMaximumsAtTheEndsOfTheRange()
    {
        final Schema ends = Schema.builder()
            .stringColumn("none", 0).stringColumn("most", Schema.MAX_STRING_LENGTH).build();
        assertEquals(0, ends.column("none").maxLength());
        assertEquals(Schema.MAX_STRING_LENGTH, ends.column("most").maxLength());
        assertEquals(ends.fixedLength() + (long)Schema.MAX_STRING_LENGTH, ends.maxRowLength());
    }

    @Test
    void shouldCompareSchemasByColumns()
    {
        final Schema same = Schema.builder()
            .longColumn("l").intColumn("i").doubleColumn("d").booleanColumn("b").timestampColumn("ts")
            .stringColumn("s", 10).build();
        assertEquals(schema, same);
        assertEquals(schema.hashCode(), same.hashCode());
        assertNotEquals(schema, Schema.builder()
            .longColumn("l").intColumn("i").doubleColumn("d").booleanColumn("b").timestampColumn("ts")
            .stringColumn("s", 11).build());
        assertNotEquals(schema, Schema.builder()
            .longColumn("l").intColumn("i").doubleColumn("d").booleanColumn("b").longColumn("ts")
            .stringColumn("s", 10).build());
    }
}
