package io.millrace.internal.operator;

import io.millrace.row.RowView;

import java.util.Arrays;

/**
 * Passes everything it receives to several stages in turn, in the order they were added: a stream read by more than
 * one operation. Each row reaches every branch before the next row enters, so every branch sees an epoch's rows
 * before its marker.
 */
public final class SplitOperator extends Operator
{
    private Operator[] branches = new Operator[0];

    /**
     * Adds a branch; the first call to {@link #then} is the first branch.
     *
     * @param downstream the branch.
     * @return {@code downstream}.
     */
    @Override
    public Operator then(final Operator downstream)
    {
        final Operator[] grown = Arrays.copyOf(branches, branches.length + 1);
        grown[branches.length] = downstream;
        branches = grown;
        return downstream;
    }

    @Override
    public void onRow(final RowView row)
    {
        for (final Operator branch : branches)
        {
            branch.onRow(row);
        }
    }

    @Override
    public void onWatermark(final long watermark)
    {
        for (final Operator branch : branches)
        {
            branch.onWatermark(watermark);
        }
    }

    @Override
    public void onMarker(final long epoch)
    {
        for (final Operator branch : branches)
        {
            branch.onMarker(epoch);
        }
    }

    @Override
    public void onEnd()
    {
        for (final Operator branch : branches)
        {
            branch.onEnd();
        }
    }
}
