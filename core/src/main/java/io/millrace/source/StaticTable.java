package io.millrace.source;

import io.millrace.function.RowTranslator;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * A table that does not change while a query runs, for joining a stream with ({@code stream.join(table, join)}):
 * rows loaded once, from memory or from a CSV file, when the table is made. Its description holds a checksum of its
 * rows, and is part of the query's identity: a query restarted with a different table refuses the old checkpoint
 * instead of mixing rows joined with two tables. Immutable once made; read on the operator thread.
 */
public final class StaticTable
{
    private final Schema schema;
    private final String description;
    private final UnsafeBuffer rows;
    private final int[] offsets;
    private final int[] lengths;

    private StaticTable(
        final Schema schema, final String origin, final byte[] bytes, final int[] offsets, final int[] lengths)
    {
        this.schema = schema;
        this.rows = new UnsafeBuffer(bytes);
        this.offsets = offsets;
        this.lengths = lengths;
        final CRC32C checksum = new CRC32C();
        checksum.update(bytes, 0, bytes.length);
        this.description = "table " + origin + " (" + offsets.length + " rows, crc32c " +
            Long.toHexString(checksum.getValue()) + ")";
    }

    /**
     * @param schema     of the rows.
     * @param items      each written as one row.
     * @param translator writing an item's row.
     * @param <T>        type of the items.
     * @return the table of the items' rows, in their order.
     */
    public static <T> StaticTable of(final Schema schema, final List<T> items, final RowTranslator<T> translator)
    {
        final RowWriter writer = new RowWriter(schema);
        final Loader loader = new Loader(items.size());
        for (final T item : items)
        {
            translator.translate(writer.reset(), item);
            loader.add(writer.buffer(), writer.length());
        }
        return loader.table(schema, "of " + items.size() + " items");
    }

    /**
     * Reads a CSV file (fields as {@link CsvSource} reads them, one per column in order) into a table.
     *
     * @param file   to read, UTF-8.
     * @param schema of the rows.
     * @param header whether the first line is a header to skip.
     * @return the table of the file's rows, in their order.
     * @throws IllegalArgumentException naming the file, line and reason for a line that is not a row.
     * @throws UncheckedIOException     when the file cannot be read.
     */
    public static StaticTable readCsv(final Path file, final Schema schema, final boolean header)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read table " + file + ": " + ex.getMessage(), ex);
        }
        final CsvLineParser parser = new CsvLineParser(schema.columns().toArray(new io.millrace.row.Column[0]), true);
        final RowWriter writer = new RowWriter(schema);
        final Loader loader = new Loader(lines.size());
        for (int i = header ? 1 : 0; i < lines.size(); i++)
        {
            final byte[] line = lines.get(i).getBytes(StandardCharsets.UTF_8);
            final String error = parser.parse(new UnsafeBuffer(line), 0, line.length, writer.reset());
            if (null != error)
            {
                throw new IllegalArgumentException("table " + file + ", line " + (i + 1) + ": " + error);
            }
            loader.add(writer.buffer(), writer.length());
        }
        return loader.table(schema, file.toString());
    }

    /**
     * @return the schema of the rows.
     */
    public Schema schema()
    {
        return schema;
    }

    /**
     * @return rows in the table.
     */
    public int size()
    {
        return offsets.length;
    }

    /**
     * Visits every row in order.
     *
     * @param visitor given a view of each row, valid only during the call.
     */
    public void forEachRow(final Consumer<RowView> visitor)
    {
        final RowView view = new RowView();
        for (int i = 0; i < offsets.length; i++)
        {
            visitor.accept(view.wrap(rows, offsets[i], lengths[i]));
        }
    }

    @Override
    public String toString()
    {
        return description;
    }

    private static final class Loader
    {
        private final ExpandableArrayBuffer bytes = new ExpandableArrayBuffer(4096);
        private int[] offsets;
        private int[] lengths;
        private int count;
        private int end;

        Loader(final int expected)
        {
            offsets = new int[Math.max(1, expected)];
            lengths = new int[Math.max(1, expected)];
        }

        void add(final DirectBuffer row, final int length)
        {
            if (count == offsets.length)
            {
                offsets = Arrays.copyOf(offsets, count * 2);
                lengths = Arrays.copyOf(lengths, count * 2);
            }
            bytes.putBytes(end, row, 0, length);
            offsets[count] = end;
            lengths[count++] = length;
            end += length;
        }

        StaticTable table(final Schema schema, final String origin)
        {
            return new StaticTable(schema, origin, Arrays.copyOf(bytes.byteArray(), end),
                Arrays.copyOf(offsets, count), Arrays.copyOf(lengths, count));
        }
    }
}
