package io.millrace.internal;

import io.millrace.row.RowView;
import io.millrace.sink.Sink;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * What one task of a query of several tasks writes to one output during an epoch: its rows, held until every task
 * has passed the epoch's marker, when the {@link EpochCommitter} hands them to the output's sink after the rows of
 * the tasks before it. So an output gets an epoch's rows from one thread, numbered {@code (epoch, sequence)} in an
 * order fixed by the tasks' numbers, which is what makes a rerun of the epoch write the same rows with the same ids.
 * <p>
 * The buffers are exchanged, not copied: at the marker the task's filled buffer goes to the committer and an empty one
 * it delivered comes back, so nothing is allocated per epoch once the buffers have grown.
 */
final class TaskOutput implements Sink
{
    /** Rows of one task and one output in one epoch, each as its length then its bytes. */
    static final class Rows
    {
        private final RowView view = new RowView();
        private final ExpandableDirectByteBuffer bytes = new ExpandableDirectByteBuffer(4096);
        private int limit;

        void add(final RowView row)
        {
            final int length = row.length();
            bytes.putInt(limit, length);
            bytes.putBytes(limit + Integer.BYTES, row.buffer(), row.offset(), length);
            limit += Integer.BYTES + length;
        }

        /**
         * Hands the rows to a sink in the order they came and empties this.
         *
         * @param sink           receiving them.
         * @param epoch          they belong to.
         * @param firstSequence  of the first row.
         * @return the sequence after the last row.
         */
        long deliver(final Sink sink, final long epoch, final long firstSequence)
        {
            long sequence = firstSequence;
            int at = 0;
            while (at < limit)
            {
                final int length = bytes.getInt(at);
                sink.onRow(view.wrap(bytes, at + Integer.BYTES, length), epoch, sequence++);
                at += Integer.BYTES + length;
            }
            limit = 0;
            return sequence;
        }
    }

    private Rows rows = new Rows();

    @Override
    public void onRow(final RowView row, final long epoch, final long sequence)
    {
        rows.add(row);
    }

    /**
     * At the epoch's marker, on the task's thread.
     *
     * @param empty rows delivered earlier, to fill next.
     * @return the epoch's rows.
     */
    Rows handOver(final Rows empty)
    {
        final Rows full = rows;
        rows = empty;
        return full;
    }
}
