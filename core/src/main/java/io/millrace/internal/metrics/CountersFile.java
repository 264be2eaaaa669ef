package io.millrace.internal.metrics;

import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A running query's counters in a memory-mapped file that another process can read while the query runs, as
 * Aeron's CnC file is read by {@code AeronStat}: a header, then Agrona {@link CountersManager} metadata and values.
 * A thread of its own copies the query's counters there every {@link #INTERVAL_MS} ms with ordered stores (the query's
 * threads publish them already, so the record path is unchanged), and deletes the file once the query has ended.
 * <p>
 * Layout, little-endian: magic {@code MRCN} (4 bytes), version (4), process id (8), start time in epoch ms (8),
 * metadata length (4), values length (4), the query's name as its UTF-8 length (4) and bytes (at most
 * {@link #NAME_BYTES}); the metadata starts at {@link #HEADER_LENGTH}, the values follow it.
 */
public final class CountersFile implements Runnable, AutoCloseable
{
    /** The file's first four bytes. */
    public static final int MAGIC = 0x4E43524D; // "MRCN" read little-endian
    /** The layout's version. */
    public static final int VERSION = 1;
    /** Bytes before the metadata. */
    public static final int HEADER_LENGTH = 512;
    /** Most bytes of the query's name kept in the header. */
    public static final int NAME_BYTES = HEADER_LENGTH - 40;
    /** How often the counters are copied, ms. */
    public static final long INTERVAL_MS = 100;
    /** The file names' ending. */
    public static final String SUFFIX = ".counters";

    /** Most characters of an operation kept in a counter's label. */
    private static final int OPERATION_CHARS = 120;
    private static final AtomicLong IDS = new AtomicLong();

    private final Path file;
    private final MappedByteBuffer mapped;
    private final BooleanSupplier ended;
    private final List<Figure> figures;
    private final AtomicCounter[] published;
    private final AtomicBoolean closed = new AtomicBoolean();
    private boolean unmapped;

    /** A figure the file shows: its label and where its value comes from. */
    private record Figure(String label, LongSupplier value)
    {
    }

    private CountersFile(
        final Path file, final MappedByteBuffer mapped, final List<Figure> figures, final BooleanSupplier ended)
    {
        this.file = file;
        this.mapped = mapped;
        this.figures = figures;
        this.published = new AtomicCounter[figures.size()];
        this.ended = ended;
    }

    /**
     * @return the query's figures ({@link QueryFigure}), then each operation's: the rows it passed on (for an input,
     *         the rows taken from it) and, when it holds state, its state's rows and bytes; labelled with the node's
     *         id and operation.
     */
    private static List<Figure> figures(final QueryCounters counters, final GraphFigures graph)
    {
        final List<Figure> figures = new ArrayList<>();
        for (final QueryFigure figure : QueryFigure.values())
        {
            figures.add(new Figure(figure.label(), () -> figure.of(counters)));
        }
        for (final QueryGraph.Node node : graph.graph().nodes())
        {
            if (graph.graph().isOutput(node))
            {
                continue;
            }
            final String operation = node.id() + " " + (node.operation().length() <= OPERATION_CHARS ?
                node.operation() : node.operation().substring(0, OPERATION_CHARS - 3) + "...");
            figures.add(new Figure("rows out of " + operation, () -> Math.max(0, graph.rowsOut(node.id()))));
            if (graph.countsState(node.id()))
            {
                figures.add(new Figure("state rows of " + operation, () -> graph.stateRows(node.id())));
                figures.add(new Figure("state bytes of " + operation, () -> graph.stateBytes(node.id())));
            }
        }
        return List.copyOf(figures);
    }

    /**
     * Creates the query's file in a directory and starts the thread that keeps it up to date.
     *
     * @param directory of counters files, made if missing.
     * @param queryName of the query.
     * @param counters  of the query.
     * @param graph     of the query, with each operation's figures.
     * @param ended     whether the query has ended: the file goes then.
     * @return the file, to close (delete) as soon as the query has ended; its thread closes it too, within
     *         {@link #INTERVAL_MS} ms of the end.
     * @throws IllegalStateException when the file cannot be made, naming it.
     */
    public static CountersFile publish(
        final Path directory,
        final String queryName,
        final QueryCounters counters,
        final GraphFigures graph,
        final BooleanSupplier ended)
    {
        final List<Figure> figures = figures(counters, graph);
        final long pid = ProcessHandle.current().pid();
        final Path file = directory.resolve(queryName.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + pid + "-" +
            IDS.incrementAndGet() + SUFFIX);
        final int metadataLength = figures.size() * CountersReader.METADATA_LENGTH;
        final int valuesLength = figures.size() * CountersReader.COUNTER_LENGTH;
        final MappedByteBuffer mapped;
        try
        {
            Files.createDirectories(directory);
            removeStale(directory);
            mapped = IoUtil.mapNewFile(file.toFile(), HEADER_LENGTH + metadataLength + valuesLength);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new IllegalStateException("cannot publish the counters of query '" + queryName + "' in " +
                file + ": " + ex.getMessage(), ex);
        }
        final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        final byte[] name = queryName.getBytes(StandardCharsets.UTF_8);
        final int nameLength = Math.min(name.length, NAME_BYTES);
        header.putLong(8, pid);
        header.putLong(16, System.currentTimeMillis());
        header.putInt(24, metadataLength);
        header.putInt(28, valuesLength);
        header.putInt(32, nameLength);
        header.putBytes(36, name, 0, nameLength);
        header.putInt(4, VERSION);
        final CountersFile published = new CountersFile(file, mapped, figures, ended);
        final CountersManager manager = new CountersManager(metadata(mapped, metadataLength),
            values(mapped, metadataLength, valuesLength));
        for (int i = 0; i < figures.size(); i++)
        {
            published.published[i] = manager.newCounter(figures.get(i).label());
        }
        published.copy();
        // Written last, with a release store: a reader that sees the magic sees the rest of the header too.
        header.putIntRelease(0, MAGIC);
        final Thread thread = new Thread(published, "millrace-counters-" + queryName);
        thread.setDaemon(true);
        thread.start();
        return published;
    }

    /**
     * Removes the files of processes that are gone (killed, so that nothing removed their files), by the process id
     * their names end with: {@code <query>-<pid>-<n>.counters}.
     *
     * @param directory of counters files.
     */
    public static void removeStale(final Path directory)
    {
        try (java.util.stream.Stream<Path> files = Files.list(directory))
        {
            for (final Path file : files.toList())
            {
                final long pid = pidOf(file.getFileName().toString());
                if (pid > 0 && ProcessHandle.of(pid).isEmpty())
                {
                    Files.deleteIfExists(file);
                }
            }
        }
        catch (final IOException ex)
        {
            // Another process cleans up at the same time, or the directory is not ours to clean: it is left.
        }
    }

    /**
     * @return the process id in a counters file's name, -1 when it is not one.
     */
    private static long pidOf(final String name)
    {
        if (!name.endsWith(SUFFIX))
        {
            return -1;
        }
        final String[] parts = name.substring(0, name.length() - SUFFIX.length()).split("-");
        try
        {
            return parts.length >= 3 ? Long.parseLong(parts[parts.length - 2]) : -1;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    /**
     * @param mapped         a counters file.
     * @param metadataLength from its header.
     * @return its metadata.
     */
    public static AtomicBuffer metadata(final MappedByteBuffer mapped, final int metadataLength)
    {
        return new UnsafeBuffer(mapped, HEADER_LENGTH, metadataLength);
    }

    /**
     * @param mapped         a counters file.
     * @param metadataLength from its header.
     * @param valuesLength   from its header.
     * @return its values.
     */
    public static AtomicBuffer values(final MappedByteBuffer mapped, final int metadataLength, final int valuesLength)
    {
        return new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength, valuesLength);
    }

    @Override
    public void run()
    {
        while (!ended.getAsBoolean() && !closed.get())
        {
            copy();
            LockSupport.parkNanos(INTERVAL_MS * 1_000_000);
        }
        close();
    }

    /**
     * Deletes the file, once, after a last copy; the query has ended.
     */
    @Override
    public void close()
    {
        if (closed.getAndSet(true))
        {
            return;
        }
        synchronized (this)
        {
            copy();
            unmapped = true;
            IoUtil.unmap(mapped);
        }
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete the counters file " + file, ex);
        }
    }

    private synchronized void copy()
    {
        if (unmapped)
        {
            return;
        }
        for (int i = 0; i < published.length; i++)
        {
            published[i].setRelease(figures.get(i).value().getAsLong());
        }
    }
}
