package io.millrace.journal;

import io.millrace.Millrace;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.checkpoint.EpochCut;
import io.millrace.sink.PartFileSink;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import io.millrace.source.GeneratorSource;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import static io.millrace.testing.PartFiles.sortedRows;
import static io.millrace.testing.PartFiles.assertSameParts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint written before epoch cuts carried their time (49-byte {@code EPOCH_BEGIN} payloads) still resumes and
 * replays: a query is stopped part-way, its journal is written again entry for entry as that layout has it (the
 * header and checksum computed here from the documented format), and the copy then resumes to exactly an
 * uninterrupted run's rows, its old cuts read as cuts without a time and its new ones with one, and a replay
 * rewrites its part files byte for byte.
 */
class UntimedCutsTest
{
    private static final int EVENTS = 60_000;
    private static final int HEADER = 24;
    private static final int UNTIMED_CUT = 49;
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldResumeAndReplayACheckpointWhoseCutsHaveNoTime() throws Exception
    {
        final Path reference = dir.resolve("reference");
        run(writer(reference));

        final Path original = dir.resolve("original");
        final Path output = dir.resolve("out");
        final StreamingQuery stopped = writer(output).throttle(40_000)
            .checkpoint(new ChronicleJournal(original, QUIET)).start();
        while (stopped.isActive() && stopped.progress().committedEpoch() < 4)
        {
            Thread.sleep(5);
        }
        stopped.stop();
        final List<EpochCut> cutsBefore = JournalScan.of(original).cuts();
        assertTrue(cutsBefore.size() >= 4 && !cutsBefore.get(cutsBefore.size() - 1).endOfInput(),
            "stopped part-way: " + cutsBefore);

        final Path untimed = dir.resolve("untimed");
        writeUntimed(original, untimed);
        final List<EpochCut> copied = JournalScan.of(untimed).cuts();
        assertEquals(cutsBefore.size(), copied.size(), "every cut copied");
        for (int i = 0; i < copied.size(); i++)
        {
            final EpochCut before = cutsBefore.get(i);
            assertEquals(new EpochCut(before.epoch(), before.sourceOffset(), before.lineNumber(), before.records(),
                before.firstOffset(), before.lastOffset(), before.endOfInput(), EpochCut.NO_TIME), copied.get(i));
        }

        run(writer(output).checkpoint(new ChronicleJournal(untimed, QUIET)));
        assertEquals(sortedRows(reference), sortedRows(output), "resumed from cuts without a time");
        final List<EpochCut> cuts = JournalScan.of(untimed).cuts();
        assertTrue(cuts.size() > copied.size(), "epochs cut after the resume: " + cuts);
        for (final EpochCut cut : cuts.subList(copied.size(), cuts.size()))
        {
            assertTrue(cut.time() != EpochCut.NO_TIME, "a new cut carries its time: " + cut);
        }

        final Path replayed = dir.resolve("replayed");
        new Replay(untimed).run(writer(replayed));
        assertSameParts(output, replayed);
    }

    /**
     * Copies a checkpoint, writing its journal again with every {@code EPOCH_BEGIN} cut back to 49 bytes of payload:
     * type, format version, reserved, payload length, sequence, CRC32C of the entry with the CRC field zero,
     * reserved, then the payload.
     */
    private static void writeUntimed(final Path from, final Path to) throws IOException
    {
        try (java.util.stream.Stream<Path> files = Files.walk(from))
        {
            for (final Path file : files.toList())
            {
                final Path relative = from.relativize(file);
                if (!relative.toString().startsWith(JournalScan.JOURNAL))
                {
                    Files.copy(file, to.resolve(relative.toString()));
                }
            }
        }
        final List<byte[]> entries = new ArrayList<>();
        JournalScan.visit(from, new JournalScan.Visitor()
        {
            public void onEntry(final JournalEntry entry, final long epoch)
            {
                final byte[] payload = entry.isEpochBegin() ? Arrays.copyOf(entry.payload(), UNTIMED_CUT) :
                    entry.payload();
                final ByteBuffer bytes = ByteBuffer.allocate(HEADER + payload.length).order(ByteOrder.LITTLE_ENDIAN)
                    .put(entry.type()).put((byte)2).putShort((short)0).putInt(payload.length)
                    .putLong(entries.size()).putInt(0).putInt(0).put(payload);
                final CRC32C crc = new CRC32C();
                crc.update(bytes.array());
                bytes.putInt(16, (int)crc.getValue());
                entries.add(bytes.array());
            }

            public void onDamage(final long index, final String problem)
            {
                throw new AssertionError("damaged journal: " + problem);
            }
        });
        try (ChronicleQueue queue = ChronicleJournal.builder(to.resolve(JournalScan.JOURNAL), false).build();
            ExcerptAppender appender = queue.createAppender())
        {
            for (final byte[] entry : entries)
            {
                try (DocumentContext document = appender.writingDocument())
                {
                    document.wire().bytes().write(entry);
                }
            }
        }
    }

    private static StreamWriter writer(final Path output)
    {
        return Millrace.readStream(new GeneratorSource(new EventGenerator(3, 200, 20_000, 5, 300, 0), EVENTS))
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100))
            .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100)), CsvSource.KEY_COLUMN)
            .count()
            .writeStream().trigger(Trigger.continuous(Duration.ofMillis(25))).sink(new PartFileSink(output));
    }

    private static void run(final StreamWriter writer) throws InterruptedException
    {
        final StreamingQuery query = writer.start();
        query.awaitTermination();
        assertTrue(query.isFinished());
    }
}
