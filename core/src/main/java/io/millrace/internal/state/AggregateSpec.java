package io.millrace.internal.state;

import io.millrace.function.AggregateFunction;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * An aggregate as the operators see it: the function, its input column and its output column's name.
 *
 * @param kind         the function.
 * @param column       the input column; null for {@link Kind#COUNT} and {@link Kind#CUSTOM}.
 * @param name         the output column.
 * @param functionName of a user-defined function; null for the built-in ones.
 * @param function     making instances of a user-defined function; null for the built-in ones.
 */
public record AggregateSpec(
    Kind kind, String column, String name, String functionName, Supplier<? extends AggregateFunction> function)
{
    /** The functions. */
    public enum Kind
    {
        /** Rows in the group; LONG. */
        COUNT,
        /** Sum of a numeric column; LONG for integer columns, DOUBLE for DOUBLE. */
        SUM,
        /** Smallest value of a numeric column, of the column's type (INT widens to LONG). */
        MIN,
        /** Largest value of a numeric column, of the column's type (INT widens to LONG). */
        MAX,
        /** Mean of a numeric column; DOUBLE. */
        AVG,
        /** A user-defined {@link AggregateFunction}; of its result type. */
        CUSTOM
    }

    /**
     * @param outputName of the output column.
     * @return this aggregate under another name.
     */
    public AggregateSpec named(final String outputName)
    {
        return new AggregateSpec(kind, column, outputName, functionName, function);
    }

    /**
     * @return a new instance of a user-defined function; null for the built-in ones.
     */
    public AggregateFunction newFunction()
    {
        if (null == function)
        {
            return null;
        }
        return Objects.requireNonNull(function.get(), () -> "the factory of aggregate " + functionName +
            " returned null");
    }

    @Override
    public String toString()
    {
        if (kind == Kind.CUSTOM)
        {
            return functionName + "() as " + name;
        }
        return kind.name().toLowerCase() + "(" + (null == column ? "" : column) + ") as " + name;
    }
}
