package io.millrace.bench;

import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.sink.CsvRowFormatter;
import io.millrace.sink.Sink;
import org.agrona.ExpandableDirectByteBuffer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Keeps every output row as its CSV line (the command line's format, docs/command-line.md) in one off-heap buffer, each
 * line after its 4-byte length, so that after the run the rows can be counted and checksummed: {@link #sha256()} is the
 * SHA-256 of the lines sorted bytewise, the same as {@code LC_ALL=C sort | sha256sum} over the command line's
 * output. Per row it formats and copies the line; on the heap it allocates only a buffer object when the
 * off-heap buffer grows, so it barely shows in the operator thread's allocation figure. Operator thread; read the
 * results after the query has terminated. Also notes the operator thread's allocation total when the query closes
 * it.
 */
public final class ChecksumSink implements Sink
{
    private final ExpandableDirectByteBuffer lines = new ExpandableDirectByteBuffer(1 << 20);
    private CsvRowFormatter formatter;
    private int limit;
    private int rows;
    private long closingThreadId;
    private long closingThreadAllocated = -1;

    @Override
    public void open(final Schema schema)
    {
        formatter = new CsvRowFormatter(schema);
    }

    @Override
    public void onRow(final RowView row, final long epoch, final long sequence)
    {
        final int length = formatter.format(row);
        lines.putInt(limit, length);
        lines.putBytes(limit + Integer.BYTES, formatter.buffer(), 0, length);
        limit += Integer.BYTES + length;
        rows++;
    }

    @Override
    public void close()
    {
        closingThreadId = Thread.currentThread().getId();
        closingThreadAllocated = JvmStats.currentThreadAllocatedBytes();
    }

    /**
     * @return rows received.
     */
    public int rows()
    {
        return rows;
    }

    /**
     * @return id of the thread that closed the sink (the operator thread), 0 before.
     */
    public long closingThreadId()
    {
        return closingThreadId;
    }

    /**
     * @return bytes the closing thread had allocated over its life when it closed the sink; -1 before.
     */
    public long closingThreadAllocated()
    {
        return closingThreadAllocated;
    }

    /**
     * Sorts the lines and hashes them; allocates, so call it after the measured run.
     *
     * @return the SHA-256 of the sorted lines, in hex.
     */
    public String sha256()
    {
        final byte[][] sorted = new byte[rows][];
        for (int i = 0, at = 0; i < rows; i++)
        {
            sorted[i] = new byte[lines.getInt(at)];
            lines.getBytes(at + Integer.BYTES, sorted[i]);
            at += Integer.BYTES + sorted[i].length;
        }
        Arrays.sort(sorted, Arrays::compareUnsigned);
        final MessageDigest digest = sha256Digest();
        for (final byte[] line : sorted)
        {
            digest.update(line);
        }
        final StringBuilder hex = new StringBuilder();
        for (final byte b : digest.digest())
        {
            hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return hex.toString();
    }

    /**
     * @param index of a row, in arrival order.
     * @return its CSV line, without the line end; for tests and messages.
     */
    public String line(final int index)
    {
        int at = 0;
        for (int i = 0; i < index; i++)
        {
            at += Integer.BYTES + lines.getInt(at);
        }
        return lines.getStringWithoutLengthAscii(at + Integer.BYTES, lines.getInt(at) - 1);
    }

    private static MessageDigest sha256Digest()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every Java platform has SHA-256", ex);
        }
    }
}
