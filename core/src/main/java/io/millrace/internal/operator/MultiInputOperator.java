package io.millrace.internal.operator;

/**
 * A stage with several inputs (a union, a join): each upstream passes its rows to the stage's port for it, so the
 * stage knows where a row came from.
 */
public interface MultiInputOperator
{
    /**
     * @param index of the input, from 0.
     * @return the stage the input's upstream passes to.
     */
    Operator input(int index);
}
