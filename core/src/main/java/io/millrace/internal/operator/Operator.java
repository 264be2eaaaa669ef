package io.millrace.internal.operator;

import io.millrace.internal.metrics.OperatorFigures;
import io.millrace.internal.metrics.StateGauge;
import io.millrace.internal.state.StateReader;
import io.millrace.internal.state.StateWriter;
import io.millrace.row.RowView;
import io.millrace.row.Schema;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One stage of a fused operator graph, run on the operator thread. A stage receives rows, watermarks, epoch markers
 * and the end of input, and passes what it produces to {@link #next}. Stages never keep a view past the call.
 * <p>
 * A watermark arrives before the row it precedes (docs/semantics.md: the watermark before a record), only when it
 * changed; stages that hold rows by event time act on it (close windows, evict) and pass on the watermark of their
 * own output, the others pass it on as it is.
 * <p>
 * A stage passes the rows it produces on with {@link #forward}, which counts them for the query's figures per
 * operation ({@link OperatorFigures}).
 */
public abstract class Operator implements OperatorFigures
{
    private static final VarHandle ROWS_OUT;

    static
    {
        try
        {
            ROWS_OUT = MethodHandles.lookup().findVarHandle(Operator.class, "rowsOut", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    protected Operator next;
    /** Rows passed downstream by {@link #forward}: written by the operator thread only, read opaquely by any. */
    private long rowsOut;

    /**
     * Passes a row this stage produced to the next, counting it as this stage's output.
     *
     * @param row produced.
     */
    protected final void forward(final RowView row)
    {
        ROWS_OUT.setOpaque(this, rowsOut + 1);
        next.onRow(row);
    }

    @Override
    public long rowsOut()
    {
        return (long)ROWS_OUT.getOpaque(this);
    }

    /**
     * @return the gauge of the state this stage holds; null for a stateless stage.
     */
    protected StateGauge stateGauge()
    {
        return null;
    }

    @Override
    public boolean countsState()
    {
        return null != stateGauge();
    }

    @Override
    public long stateRows()
    {
        final StateGauge gauge = stateGauge();
        return null == gauge ? 0 : gauge.rows();
    }

    @Override
    public long stateBytes()
    {
        final StateGauge gauge = stateGauge();
        return null == gauge ? 0 : gauge.bytes();
    }

    /**
     * @param downstream stage that receives this stage's output.
     * @return {@code downstream}, for chaining.
     */
    public Operator then(final Operator downstream)
    {
        next = downstream;
        return downstream;
    }

    /**
     * @param row an input row.
     */
    public abstract void onRow(RowView row);

    /**
     * The event-time watermark advanced; by default passed on.
     *
     * @param watermark the new watermark, greater than the last.
     */
    public void onWatermark(final long watermark)
    {
        next.onWatermark(watermark);
    }

    /**
     * The epoch ends: emit what the trigger calls for, then forward the marker.
     *
     * @param epoch that ends.
     */
    public void onMarker(final long epoch)
    {
        next.onMarker(epoch);
    }

    /**
     * Appends this stage's state to an epoch snapshot; stateless stages write nothing.
     *
     * @param out to append to.
     */
    public void writeState(final StateWriter out)
    {
    }

    /**
     * Restores this stage's state from what {@link #writeState(StateWriter)} wrote, before the first row.
     *
     * @param in positioned at this stage's state.
     */
    public void readState(final StateReader in)
    {
    }

    /**
     * @return the schema of the rows {@link #emitState()} writes, when they are not the stage's output rows (a join's
     *         held rows, a process function's keys); null otherwise.
     */
    public Schema stateSchema()
    {
        return null;
    }

    /**
     * Passes every row held in this stage's state downstream, as complete output would; for inspecting a
     * snapshot. Stateless stages hold none.
     */
    public void emitState()
    {
    }

    /**
     * The input ended: flush what the end of input calls for (the watermark becomes +infinity), then forward it.
     * The last epoch's marker follows.
     */
    public void onEnd()
    {
        next.onEnd();
    }
}
