package io.millrace.internal.operator;

import io.millrace.row.RowView;

import java.util.Arrays;

/**
 * The rows of several inputs of one schema, passed on as they arrive. The watermark is the smallest of the inputs'
 * (an input without one holds it at minus infinity; an ended input no longer holds it back). An epoch's marker and
 * the end of input are passed on once every input has delivered them, so that the rows an input sends before its
 * marker are in the epoch.
 */
public final class UnionOperator extends Operator implements MultiInputOperator
{
    private final Operator[] inputs;
    private final long[] watermarks;
    private long watermark = Long.MIN_VALUE;
    private int markers;
    private int ends;

    /**
     * @param inputCount how many inputs; at least two.
     */
    public UnionOperator(final int inputCount)
    {
        inputs = new Operator[inputCount];
        watermarks = new long[inputCount];
        Arrays.fill(watermarks, Long.MIN_VALUE);
        for (int i = 0; i < inputCount; i++)
        {
            inputs[i] = new Input(i);
        }
    }

    @Override
    public Operator input(final int index)
    {
        return inputs[index];
    }

    @Override
    public void onRow(final RowView row)
    {
        forward(row);
    }

    private void onWatermark(final int input, final long advanced)
    {
        watermarks[input] = advanced;
        long smallest = Long.MAX_VALUE;
        for (final long each : watermarks)
        {
            smallest = Math.min(smallest, each);
        }
        if (smallest > watermark)
        {
            watermark = smallest;
            next.onWatermark(smallest);
        }
    }

    @Override
    public void onMarker(final long epoch)
    {
        if (++markers == inputs.length)
        {
            markers = 0;
            next.onMarker(epoch);
        }
    }

    @Override
    public void onEnd()
    {
        if (++ends == inputs.length)
        {
            next.onEnd();
        }
    }

    private final class Input extends Operator
    {
        private final int index;

        Input(final int index)
        {
            this.index = index;
        }

        @Override
        public void onRow(final RowView row)
        {
            UnionOperator.this.onRow(row);
        }

        @Override
        public void onWatermark(final long advanced)
        {
            UnionOperator.this.onWatermark(index, advanced);
        }

        @Override
        public void onMarker(final long epoch)
        {
            UnionOperator.this.onMarker(epoch);
        }

        @Override
        public void onEnd()
        {
            UnionOperator.this.onWatermark(index, Long.MAX_VALUE);
            UnionOperator.this.onEnd();
        }
    }
}
