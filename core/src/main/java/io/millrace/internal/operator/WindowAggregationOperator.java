package io.millrace.internal.operator;

import io.millrace.internal.metrics.QueryCounters;
import io.millrace.internal.metrics.StateGauge;
import io.millrace.internal.state.AggregateLayout;
import io.millrace.internal.state.KeyCodec;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;

/**
 * What the window operators share: the event-time column, the group key codec, the accumulators, the emission
 * policy and the writer of window rows.
 */
abstract class WindowAggregationOperator extends Operator
{
    protected final LongColumn time;
    protected final KeyCodec keys;
    protected final AggregateLayout layout;
    protected final EmissionPolicy policy;
    protected final OperatorContext context;
    protected final QueryCounters counters;
    protected final StateGauge state;
    protected final WindowRowWriter output;
    /** The watermark before the row being processed: windows ending at or before it are closed. */
    protected long watermark = Long.MIN_VALUE;

    /**
     * @param input        schema of the rows received.
     * @param spec         the window and grouping.
     * @param output       {@code window_start, window_end}, keys, aggregates.
     * @param policy       when rows are written.
     * @param context      of the chain.
     */
    WindowAggregationOperator(
        final Schema input,
        final WindowOperators.Spec spec,
        final Schema output,
        final EmissionPolicy policy,
        final OperatorContext context)
    {
        this.time = input.longColumn(spec.timeColumn());
        this.keys = WindowOperators.keyCodec(input, spec, output);
        this.layout = new AggregateLayout(input, spec.aggregates(), output);
        this.policy = policy;
        this.context = context;
        this.counters = context.counters();
        this.state = new StateGauge(counters);
        this.output = new WindowRowWriter(keys, layout, output);
    }

    @Override
    protected StateGauge stateGauge()
    {
        return state;
    }
}
