package io.millrace;

import io.millrace.function.AggregateFunction;
import io.millrace.internal.state.AggregateSpec;

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
    private final AggregateSpec spec;

    private Aggregate(final AggregateSpec spec)
    {
        this.spec = spec;
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
        return new Aggregate(new AggregateSpec(AggregateSpec.Kind.CUSTOM, null, name, name, function));
    }

    /**
     * @return the number of rows in each group.
     */
    public static Aggregate count()
    {
        return new Aggregate(new AggregateSpec(AggregateSpec.Kind.COUNT, null, "count", null, null));
    }

    /**
     * @param column numeric input column.
     * @return the sum of the column in each group.
     */
    public static Aggregate sum(final String column)
    {
        return of(AggregateSpec.Kind.SUM, column);
    }

    /**
     * @param column numeric input column.
     * @return the minimum of the column in each group.
     */
    public static Aggregate min(final String column)
    {
        return of(AggregateSpec.Kind.MIN, column);
    }

    /**
     * @param column numeric input column.
     * @return the maximum of the column in each group.
     */
    public static Aggregate max(final String column)
    {
        return of(AggregateSpec.Kind.MAX, column);
    }

    /**
     * @param column numeric input column.
     * @return the mean of the column in each group.
     */
    public static Aggregate avg(final String column)
    {
        return of(AggregateSpec.Kind.AVG, column);
    }

    /**
     * @param outputName name of the output column.
     * @return this aggregate under another name.
     */
    public Aggregate as(final String outputName)
    {
        return new Aggregate(spec.named(Objects.requireNonNull(outputName, "outputName")));
    }

    /**
     * @return the input column, null for {@link #count()} and user-defined aggregates.
     */
    public String column()
    {
        return spec.column();
    }

    /**
     * @return the output column's name.
     */
    public String name()
    {
        return spec.name();
    }

    AggregateSpec spec()
    {
        return spec;
    }

    @Override
    public String toString()
    {
        return spec.toString();
    }

    private static Aggregate of(final AggregateSpec.Kind kind, final String column)
    {
        Objects.requireNonNull(column, "column");
        return new Aggregate(new AggregateSpec(kind, column, kind.name().toLowerCase() + "_" + column, null, null));
    }
}
