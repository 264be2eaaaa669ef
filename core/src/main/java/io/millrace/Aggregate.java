package io.millrace;

import java.util.Objects;

/**
 * An aggregate function over a group: {@link #count()}, {@link #sum(String)}, {@link #min(String)},
 * {@link #max(String)}, {@link #avg(String)}. Its output column is named {@code count}, {@code sum_<column>}
 * and so on unless renamed with {@link #as(String)}. Immutable.
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
        AVG
    }

    private final Kind kind;
    private final String column;
    private final String name;

    private Aggregate(final Kind kind, final String column, final String name)
    {
        this.kind = kind;
        this.column = column;
        this.name = name;
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
        return new Aggregate(kind, column, Objects.requireNonNull(outputName, "outputName"));
    }

    /**
     * @return the function.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * @return the input column, null for {@link Kind#COUNT}.
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
        return kind.name().toLowerCase() + "(" + (null == column ? "" : column) + ") as " + name;
    }

    private static Aggregate of(final Kind kind, final String column)
    {
        Objects.requireNonNull(column, "column");
        return new Aggregate(kind, column, kind.name().toLowerCase() + "_" + column);
    }
}
