package io.millrace.cli;

import io.millrace.kafka.testing.KafkaBroker;
import io.millrace.kafka.testing.TopicRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;
import java.util.List;
import static io.millrace.cli.Runs.assertSameRows;
import static io.millrace.cli.TopicRows.assertIdsUnique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nexmark --to-topic} writes the generated events to a Kafka topic, and {@code nexmark --input-topic
 * --output-topic} runs a query from that topic to another: the rows are those of the same query over the generated
 * events, row for row.
 */
class NexmarkKafkaTest
{
    private static final String EVENTS = "20000";

    @RegisterExtension
    static final KafkaBroker BROKER = KafkaBroker.shared();

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void shouldGiveTheRowsOfTheGeneratedEventsFromTheirTopic() throws Exception
    {
        BROKER.createTopic("nexmark-events", 1);
        final List<String> toTopic = List.of("nexmark", "--to-topic", "nexmark-events", "--kafka-bootstrap",
            BROKER.bootstrap(), "--events", EVENTS);
        final Runs.Result written = Runs.inProcess(toTopic, null);
        assertEquals(0, written.exitCode(), written.err());
        assertEquals(Integer.parseInt(EVENTS), TopicRecords.read(BROKER.bootstrap(), "nexmark-events", true).size());
        final Runs.Result again = Runs.inProcess(toTopic, null);
        assertEquals(2, again.exitCode(), again.err());
        assertTrue(again.err().contains("the sink already holds output"), again.err());

        for (final String query : List.of("q3", "q5", "q8"))
        {
            final Path generated = dir.resolve(query);
            final Runs.Result reference = Runs.inProcess(List.of("nexmark", "--query", query, "--events", EVENTS,
                "--output", generated.toString()), null);
            assertEquals(0, reference.exitCode(), reference.err());
            BROKER.createTopic("nexmark-" + query, 1);
            final Runs.Result fromTopic = Runs.inProcess(List.of("nexmark", "--query", query, "--input-topic",
                "nexmark-events", "--bounded", "--kafka-bootstrap", BROKER.bootstrap(), "--output-topic",
                "nexmark-" + query, "--checkpoint", dir.resolve("checkpoint-" + query).toString()), null);
            assertEquals(0, fromTopic.exitCode(), fromTopic.err());
            final List<TopicRecords.Row> rows = TopicRecords.read(BROKER.bootstrap(), "nexmark-" + query, true);
            assertTrue(!rows.isEmpty(), query + " wrote no rows");
            assertSameRows(Runs.rows(generated), TopicRows.values(rows), query + " from the topic");
            assertIdsUnique(rows);
        }
    }
}
