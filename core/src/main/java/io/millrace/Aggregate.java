package io.millrace;

import io.millrace.function.AggregateFunction;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * An aggregate function over a group: {@link #count()}, {@link #sum(String)}, {@link #min(String)},
 * {@link #max(String)}, {@link #avg(String)}, or a user-defined {@link AggregateFunction} ({@link #of}). Its
 * output column is named {@code count}, {@code sum_<column>} and so on (a user-defined one by its name) unless
 * renamed with {@link #as(String)}. Immutable.
 */
public final class Aggregate
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

    private final Kind kind;
    private final String column;
    private final String name;
    private final String functionName;
    private final Supplier<? extends AggregateFunction> function;

    private Aggregate(
        final Kind kind,
        final String column,
        final String name,
        final String functionName,
        final Supplier<? extends AggregateFunction> function)
    {
        this.kind = kind;
        this.column = column;
        this.name = name;
        this.functionName = functionName;
        this.function = function;
    }

    private Aggregate(final Kind kind, final String column, final String name)
    {
        this(kind, column, name, null, null);
    }

    /**
     * A user-defined aggregate.
     *
     * @param name     of the function, and of its output column unless renamed; part of the query's identity, so
     *                 a function whose accumulator or meaning changes needs a new name.
     * @param function makes one instance of the function per query.
     * @return the aggregate.
     */
    public static Aggregate of(final String name, final Supplier<? extends AggregateFunction> function)
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(function, "function");
        return new Aggregate(Kind.CUSTOM, null, name, name, function);
    }

    /**
     * @return the number of rows in each group.
     */
    public static Aggregate count()
    {
        return new Aggregate(Kind.COUNT, null, "count");
    }

    /**
     * @param column numeric input column.
     * @return the sum of the column in each group.
     */
    public static Aggregate sum(final String column)
    {
        return of(Kind.SUM, column);
    }

    /**
     * @param column numeric input column.
     * @return the minimum of the column in each group.
     */
    public static Aggregate min(final String column)
    {
        return of(Kind.MIN, column);
    }

    /**
     * @param column numeric input column.
     * @return the maximum of the column in each group.
     */
    public static Aggregate max(final String column)
    {
        return of(Kind.MAX, column);
    }

    /**
     * @param column numeric input column.
     * @return the mean of the column in each group.
     */
    public static Aggregate avg(final String column)
    {
        return of(Kind.AVG, column);
    }

    /**
     * @param outputName name of the output column.
     * @return this aggregate under another name.
     */
    public Aggregate as(final String outputName)
    {
        return new Aggregate(kind, column, Objects.requireNonNull(outputName, "outputName"), functionName, function);
    }

    /**
     * @return the function.
     */
    public Kind kind()
    {
        return kind;
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

    /**
     * @return the input column, null for {@link Kind#COUNT} and {@link Kind#CUSTOM}.
     */
    public String column()
    {
        return column;
    }

    /**
     * @return the output column's name.
     */
    public String name()
    {
        return name;
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

    private static Aggregate of(final Kind kind, final String column)
    {
        Objects.requireNonNull(column, "column");
        return new Aggregate(kind, column, kind.name().toLowerCase() + "_" + column);
    }
}
