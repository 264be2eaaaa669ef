package io.millrace.testing;

import io.millrace.Join;
import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.Stream;
import io.millrace.StreamWriter;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.sink.PartFileSink;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import io.millrace.source.GeneratorSource;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A query of two inputs for the recovery tests: the events of two generators joined on the key within 5 ms, and their
 * union counted per key and 100 ms window, each written to part files. The watermarks trail by the generators'
 * largest disorder, so no row is ever late and both outputs are the same bags of rows whatever order the two
 * inputs' records meet in.
 */
public final class TwoInputQuery
{
    private TwoInputQuery()
    {
    }

    /**
     * @param joined  directory of the join's part files.
     * @param counted directory of the counts' part files.
     * @param events  of each input.
     * @return the query, ready to start.
     */
    public static StreamWriter writer(final Path joined, final Path counted, final int events)
    {
        final Stream left = Millrace.readStream(
                new GeneratorSource(new EventGenerator(21, 60, 20_000, 5, 200, 0), events))
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(200));
        final Stream right = Millrace.readStream(
                new GeneratorSource(new EventGenerator(22, 60, 20_000, 5, 200, 0), events))
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(200));
        final Stream pairs = left.join(right, Join.on(CsvSource.KEY_COLUMN, CsvSource.KEY_COLUMN)
                .between(CsvSource.EVENT_TIME_COLUMN, CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(5),
                    Duration.ofMillis(5)))
            .select(CsvSource.KEY_COLUMN, CsvSource.EVENT_TIME_COLUMN, "right_" + CsvSource.EVENT_TIME_COLUMN);
        final Stream counts = left.union(right)
            .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100)), CsvSource.KEY_COLUMN)
            .count();
        return pairs.writeStream().queryName("two-inputs").trigger(Trigger.continuous(Duration.ofMillis(20)))
            .sink(new PartFileSink(joined))
            .alsoWrite(counts, OutputMode.APPEND, new PartFileSink(counted));
    }
}
