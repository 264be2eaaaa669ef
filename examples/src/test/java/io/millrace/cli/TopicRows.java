package io.millrace.cli;

import io.millrace.kafka.testing.TopicRecords;
import io.millrace.reference.WindowModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the Kafka tests expect of an output topic: the reference model's rows, each once, with consistent ids and
 * keys.
 */
final class TopicRows
{
    private TopicRows()
    {
    }

    /**
     * @param lines  {@code time,key} events in input order.
     * @param window size of tumbling windows, ms.
     * @param delay  of the watermark, ms.
     * @return the model's append rows as {@code start,end,key,count} lines, with how often each occurs.
     */
    static Map<String, Integer> modelRows(final List<String> lines, final long window, final long delay)
    {
        final List<WindowModel.Event> input = new ArrayList<>();
        for (final String line : lines)
        {
            final int comma = line.indexOf(',');
            input.add(new WindowModel.Event(Long.parseLong(line.substring(0, comma)), line.substring(comma + 1)));
        }
        final Map<String, Integer> rows = new TreeMap<>();
        for (final WindowModel.WindowRow row : WindowModel.tumbling(window, delay).run(input).appendRows())
        {
            rows.merge(row.start() + "," + row.end() + "," + row.key() + "," + row.count(), 1, Integer::sum);
        }
        return rows;
    }

    /**
     * @param written records of an output topic.
     * @return their values with how often each occurs; checks that each record's key, where it has one, is its row's
     *         window and key.
     */
    static Map<String, Integer> values(final List<TopicRecords.Row> written)
    {
        final Map<String, Integer> rows = new TreeMap<>();
        for (final TopicRecords.Row row : written)
        {
            rows.merge(row.value(), 1, Integer::sum);
            assertTrue(null == row.key() || row.value().startsWith(row.key() + ","),
                () -> "key " + row.key() + " of " + row.value());
        }
        return rows;
    }

    /**
     * Every id once, and each epoch's sequences 0, 1, 2, … without a gap; the epochs of each input partition apart
     * where the rows name one (a query run in a consumer group).
     *
     * @param written records of an output topic.
     */
    static void assertIdsUnique(final List<TopicRecords.Row> written)
    {
        final Set<List<Long>> ids = new HashSet<>();
        final Map<List<Long>, Long> perEpoch = new HashMap<>();
        for (final TopicRecords.Row row : written)
        {
            assertTrue(ids.add(List.of(row.input(), row.epoch(), row.sequence())),
                () -> "id (" + row.input() + ", " + row.epoch() + ", " + row.sequence() + ") twice");
            perEpoch.merge(List.of(row.input(), row.epoch()), row.sequence(), Math::max);
        }
        perEpoch.forEach((epoch, last) -> assertTrue(ids.contains(List.of(epoch.get(0), epoch.get(1), 0L)) &&
            ids.stream().filter(id -> id.subList(0, 2).equals(epoch)).count() == last + 1,
            () -> "sequences of epoch " + epoch + " have a gap"));
    }
}
