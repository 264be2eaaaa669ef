package io.millrace;

import io.millrace.row.Schema;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * An aggregate's output column must not take the name of a key column, a window column or another aggregate's
 * column: the plan is refused with a message naming the column, when it is built.
 */
class AggregateNamesTest
{
    private static final Schema EVENTS =
        Schema.builder().timestampColumn("t").stringColumn("key", 16).longColumn("v").build();
    private static final Window WINDOW = Window.window("t", Duration.ofSeconds(1));

    @Test
    void shouldRefuseAnAggregateNamedLikeAKeyColumn()
    {
        final Stream stream = Millrace.readStream(new Publisher(EVENTS));
        final IllegalArgumentException grouped = assertThrows(IllegalArgumentException.class,
            () -> stream.groupBy("key").agg(Aggregate.count().as("key")));
        assertEquals("aggregate count() as key: output column 'key' is also a key column of groupBy[key]; " +
            "rename it with as(...)", grouped.getMessage());
        final IllegalArgumentException windowed = assertThrows(IllegalArgumentException.class,
            () -> stream.groupBy(WINDOW, "key").agg(Aggregate.sum("v").as("key")));
        assertEquals("aggregate sum(v) as key: output column 'key' is also a key column of groupBy[key]; " +
            "rename it with as(...)", windowed.getMessage());
    }

    @Test
    void shouldRefuseAnAggregateNamedLikeAWindowColumn()
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> Millrace.readStream(new Publisher(EVENTS)).groupBy(WINDOW).agg(Aggregate.max("t").as("window_end")));
        assertEquals("aggregate max(t) as window_end: output column 'window_end' is also a window column; " +
            "rename it with as(...)", refused.getMessage());
    }

    @Test
    void shouldRefuseTwoAggregatesOfOneName()
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> Millrace.readStream(new Publisher(EVENTS)).groupBy("key")
                .agg(Aggregate.min("v").as("v"), Aggregate.max("v").as("v")));
        assertEquals("aggregate max(v) as v: output column 'v' is also the output of min(v) as v; " +
            "rename it with as(...)", refused.getMessage());
    }
}
