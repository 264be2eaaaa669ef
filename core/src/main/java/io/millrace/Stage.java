package io.millrace;

import io.millrace.internal.operator.Operator;
import io.millrace.internal.operator.OperatorContext;

/**
 * How a node of the logical plan becomes an operator when the query starts.
 */
@FunctionalInterface
interface Stage
{
    /**
     * @param query   settings the operator depends on.
     * @param context of the chain.
     * @return the operator.
     */
    Operator create(QuerySettings query, OperatorContext context);

    /**
     * What a stage needs to know of the whole query.
     *
     * @param outputMode of the query.
     * @param trigger    of the query.
     */
    record QuerySettings(OutputMode outputMode, Trigger trigger)
    {
    }
}
