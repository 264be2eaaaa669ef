package io.millrace.cli;

import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.Publisher;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.StreamingQueryException;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.function.RowTranslator;
import io.millrace.journal.ChronicleJournal;
import io.millrace.row.LongColumn;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.PartFileSink;
import io.millrace.source.CsvSource;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An application that feeds a windowed count through an in-process {@link Publisher}, for the crash tests: it
 * offers events {@code 0..count-1} (each a pure function of its index) at a bounded pace, and when started again on
 * the same checkpoint resumes offering from {@link Publisher#position()}, as an application using a journaled
 * publisher is meant to. Arguments: {@code CHECKPOINT OUTPUT COUNT [PER_MILLISECOND
 * [EPOCH_INTERVAL_MS [PAUSE_EVERY [TASKS]]]]}; without a checkpoint ({@code -}) it runs once, uninterrupted. With
 * {@code PAUSE_EVERY} (0 for never), it stops offering for four epoch intervals after every that many events, so that
 * the query's operator thread ends the epochs left open; with {@code TASKS}, the query runs as that many tasks.
 */
public final class PublishedWindowedCount
{
    private static final Schema EVENTS = CsvSource.eventSchema();
    private static final LongColumn TIME = EVENTS.longColumn(CsvSource.EVENT_TIME_COLUMN);
    private static final StringColumn KEY = EVENTS.stringColumn(CsvSource.KEY_COLUMN);
    private static final RowTranslator<long[]> EVENT = PublishedWindowedCount::write;

    private PublishedWindowedCount()
    {
    }

    /**
     * @param args checkpoint directory or {@code -}, output directory, events, events offered per millisecond, epoch
     *             interval in milliseconds (20).
     * @throws InterruptedException when interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        System.exit(run(args, System.err));
    }

    /**
     * Runs the application in this JVM.
     *
     * @param args as {@link #main} takes them.
     * @param log  where the journal reports and the application says, in one line, why the query could not start
     *             or failed.
     * @return the exit status: 0 when the query finished, 1 when it could not start or failed.
     * @throws InterruptedException when interrupted.
     */
    static int run(final String[] args, final PrintStream log) throws InterruptedException
    {
        final long count = Long.parseLong(args[2]);
        final long perMillisecond = args.length > 3 ? Long.parseLong(args[3]) : Long.MAX_VALUE;
        final long epochMillis = args.length > 4 ? Long.parseLong(args[4]) : 20;
        final long pauseEvery = args.length > 5 ? Long.parseLong(args[5]) : 0;
        final int tasks = args.length > 6 ? Integer.parseInt(args[6]) : 1;
        final Publisher publisher = new Publisher(EVENTS);
        final StreamWriter writer = Millrace.readStream(publisher)
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(50))
            .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100)), CsvSource.KEY_COLUMN)
            .count()
            .writeStream().outputMode(OutputMode.APPEND).trigger(Trigger.continuous(Duration.ofMillis(epochMillis)))
            .parallelism(tasks).sink(new PartFileSink(Path.of(args[1])));
        final StreamingQuery query;
        try
        {
            if (!"-".equals(args[0]))
            {
                writer.checkpoint(new ChronicleJournal(Path.of(args[0]), log));
            }
            query = writer.start();
        }
        catch (final RuntimeException ex)
        {
            log.println("published-windowed-count: " + ex.getMessage());
            return 1;
        }
        final long[] index = {publisher.position()};
        long started = System.nanoTime();
        long offeredSinceStart = 0;
        while (index[0] < count)
        {
            if (!publisher.offerBlocking(EVENT, index))
            {
                break; // the query ended while offering: its end says why
            }
            index[0]++;
            if (pauseEvery > 0 && index[0] % pauseEvery == 0)
            {
                Thread.sleep(4 * epochMillis);
                started = System.nanoTime();
                offeredSinceStart = 0;
            }
            if (++offeredSinceStart >= perMillisecond)
            {
                offeredSinceStart = 0;
                while (System.nanoTime() - started < 1_000_000)
                {
                    Thread.onSpinWait();
                }
                started = System.nanoTime();
            }
        }
        publisher.close();
        try
        {
            query.awaitTermination();
        }
        catch (final StreamingQueryException ex)
        {
            log.println("published-windowed-count: " + ex.getMessage());
            return 1;
        }
        return query.isFinished() ? 0 : 1;
    }

    private static void write(final RowWriter row, final long[] index)
    {
        final long i = index[0];
        row.putLong(TIME, i / 20 - (i % 11 == 0 ? 40 : 0));
        final int at = row.beginString(KEY, 8);
        row.buffer().putByte(at, (byte)'k');
        row.endString(KEY, 1 + row.buffer().putIntAscii(at + 1, (int)(i % 97)));
    }
}
