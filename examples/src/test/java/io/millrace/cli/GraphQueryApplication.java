package io.millrace.cli;

import io.millrace.Aggregate;
import io.millrace.Join;
import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.Stream;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.journal.ChronicleJournal;
import io.millrace.row.LongColumn;
import io.millrace.sink.PartFileSink;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import io.millrace.source.GeneratorSource;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A query that is a graph, for the crash tests: generated events split three ways. Events whose time is a multiple
 * of three are joined with the others of the same key within 20 ms of them (an interval join); all of them are
 * counted per key in 100 ms windows, and the counts aggregated again per 300 ms (the largest and the total).
 * Each result goes to part files of its own. Arguments: {@code CHECKPOINT OUTPUT EVENTS [THROTTLE]}; without a
 * checkpoint ({@code -}) it runs once, uninterrupted.
 */
public final class GraphQueryApplication
{
    /** Directory of the join's part files, under the output. */
    public static final String JOINED = "joined";
    /** Directory of the chained aggregation's part files, under the output. */
    public static final String BUSIEST = "busiest";

    private GraphQueryApplication()
    {
    }

    /**
     * @param args checkpoint directory or {@code -}, output directory, events, records per second (0: no limit).
     * @throws InterruptedException when interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final StreamWriter writer = writer(Path.of(args[1]), Integer.parseInt(args[2]))
            .throttle(args.length > 3 ? Long.parseLong(args[3]) : 0);
        if (!"-".equals(args[0]))
        {
            writer.checkpoint(new ChronicleJournal(Path.of(args[0]), System.err));
        }
        final StreamingQuery query = writer.start();
        query.awaitTermination();
        System.exit(query.isFinished() ? 0 : 1);
    }

    /**
     * @param output directory holding a directory per result.
     * @param events to generate.
     * @return the query, ready to start.
     */
    public static StreamWriter writer(final Path output, final int events)
    {
        final Stream input = Millrace.readStream(
            new GeneratorSource(new EventGenerator(5, 300, 20_000, 5, 300, 0), events));
        final LongColumn time = input.schema().longColumn(CsvSource.EVENT_TIME_COLUMN);
        final Stream thirds = input.filter(row -> time.get(row) % 3 == 0)
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100));
        final Stream others = input.filter(row -> time.get(row) % 3 != 0)
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100));
        final Stream joined = thirds.join(others, Join.on(CsvSource.KEY_COLUMN, CsvSource.KEY_COLUMN)
                .between(CsvSource.EVENT_TIME_COLUMN, CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(20),
                    Duration.ofMillis(20)))
            .select(CsvSource.KEY_COLUMN, CsvSource.EVENT_TIME_COLUMN, "right_" + CsvSource.EVENT_TIME_COLUMN);
        final Stream busiest = input.withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100))
            .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100)), CsvSource.KEY_COLUMN).count()
            .groupBy(Window.window("window_start", Duration.ofMillis(300)))
            .agg(Aggregate.max("count"), Aggregate.sum("count"));
        return joined.writeStream().queryName("graph").trigger(Trigger.continuous(Duration.ofMillis(40)))
            .sink(new PartFileSink(output.resolve(JOINED)))
            .alsoWrite(busiest, OutputMode.APPEND, new PartFileSink(output.resolve(BUSIEST)));
    }
}
