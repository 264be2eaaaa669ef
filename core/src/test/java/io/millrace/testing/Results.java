package io.millrace.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Comparisons of result rows ({@code List<Object>} values as a {@code CollectingSink} keeps them) with a
 * reference. Doubles compare within a relative 1e-9, everything else exactly.
 */
public final class Results
{
    private static final double RELATIVE_TOLERANCE = 1e-9;

    private Results()
    {
    }

    /**
     * Indexes rows by their first {@code keyColumns} values, failing on a key seen twice.
     *
     * @param rows       result rows.
     * @param keyColumns leading columns that form the key.
     * @return key to the whole row, in row order.
     */
    public static Map<List<Object>, List<Object>> byKey(final List<List<Object>> rows, final int keyColumns)
    {
        final Map<List<Object>, List<Object>> map = new LinkedHashMap<>();
        for (final List<Object> row : rows)
        {
            final List<Object> previous = map.put(new ArrayList<>(row.subList(0, keyColumns)), row);
            if (null != previous)
            {
                fail("key " + row.subList(0, keyColumns) + " appears twice: " + previous + " and " + row);
            }
        }
        return map;
    }

    /**
     * @param expected   rows by key.
     * @param actual     rows, each key once, in any order.
     * @param keyColumns leading columns that form the key.
     */
    public static void assertSameRowsByKey(
        final Map<List<Object>, List<Object>> expected, final List<List<Object>> actual, final int keyColumns)
    {
        final Map<List<Object>, List<Object>> actualByKey = byKey(actual, keyColumns);
        assertEquals(expected.keySet(), actualByKey.keySet(), "keys of the result");
        for (final Map.Entry<List<Object>, List<Object>> entry : expected.entrySet())
        {
            assertSameRow(entry.getValue(), actualByKey.get(entry.getKey()), "row of key " + entry.getKey());
        }
    }

    /**
     * @param expected rows in order.
     * @param actual   rows in order.
     */
    public static void assertSameRowsInOrder(final List<List<Object>> expected, final List<List<Object>> actual)
    {
        assertEquals(expected.size(), actual.size(), "number of rows");
        for (int n = 0; n < expected.size(); n++)
        {
            assertSameRow(expected.get(n), actual.get(n), "row " + n);
        }
    }

    /**
     * @param expected values.
     * @param actual   values.
     * @param what     the row, for messages.
     */
    public static void assertSameRow(final List<Object> expected, final List<Object> actual, final String what)
    {
        assertEquals(expected.size(), actual.size(), what + ": columns of " + actual);
        for (int c = 0; c < expected.size(); c++)
        {
            final Object e = expected.get(c);
            final Object a = actual.get(c);
            if (e instanceof Double && a instanceof Double)
            {
                final double ed = (Double)e;
                final double ad = (Double)a;
                assertTrue(Double.compare(ed, ad) == 0 ||
                    Math.abs(ed - ad) <= RELATIVE_TOLERANCE * Math.max(1.0, Math.abs(ed)),
                    what + ": column " + c + " expected " + ed + " but was " + ad + " in " + actual);
            }
            else
            {
                assertEquals(e, a, what + ": column " + c + " of " + actual);
            }
        }
    }
}
