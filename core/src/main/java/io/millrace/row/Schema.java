package io.millrace.row;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The typed columns of a row, in order. Built once with {@link #builder()}; immutable and thread-safe.
 * Column accessors are looked up by name when a query is built ({@code schema.longColumn("ts")}) and
 * then read rows without any lookup.
 */
public final class Schema
{
    /** Longest string a column may declare. */
    public static final int MAX_STRING_LENGTH = 16 * 1024 * 1024;

    private final List<Column> columns;
    private final Map<String, Column> byName;
    private final int fixedLength;

    private Schema(final List<Column> columns, final int fixedLength)
    {
        this.columns = Collections.unmodifiableList(columns);
        this.byName = new HashMap<>();
        for (final Column column : columns)
        {
            byName.put(column.name(), column);
        }
        this.fixedLength = fixedLength;
    }

    /**
     * @return a builder adding columns in order.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @return the columns in order.
     */
    public List<Column> columns()
    {
        return columns;
    }

    /**
     * @return number of columns.
     */
    public int size()
    {
        return columns.size();
    }

    /**
     * @return length of the fixed section of a row, the minimum length of any row.
     */
    public int fixedLength()
    {
        return fixedLength;
    }

    /**
     * Longest a row can be: the fixed section plus every string at its maximum length.
     *
     * @return the maximum row length in bytes.
     */
    public long maxRowLength()
    {
        long length = fixedLength;
        for (final Column column : columns)
        {
            if (column.type() == ColumnType.STRING)
            {
                length += column.maxLength();
            }
        }
        return length;
    }

    /**
     * @param name of the column.
     * @return whether the schema has it.
     */
    public boolean contains(final String name)
    {
        return byName.containsKey(name);
    }

    /**
     * @param name of the column.
     * @return the column.
     * @throws IllegalArgumentException naming the column and the schema when there is none of that name.
     */
    public Column column(final String name)
    {
        final Column column = byName.get(name);
        if (null == column)
        {
            throw new IllegalArgumentException("no column '" + name + "' in schema " + this);
        }
        return column;
    }

    /**
     * @param name of a LONG or TIMESTAMP column.
     * @return its accessor.
     */
    public LongColumn longColumn(final String name)
    {
        return (LongColumn)typed(name, LongColumn.class, "LONG or TIMESTAMP");
    }

    /**
     * @param name of an INT column.
     * @return its accessor.
     */
    public IntColumn intColumn(final String name)
    {
        return (IntColumn)typed(name, IntColumn.class, "INT");
    }

    /**
     * @param name of a DOUBLE column.
     * @return its accessor.
     */
    public DoubleColumn doubleColumn(final String name)
    {
        return (DoubleColumn)typed(name, DoubleColumn.class, "DOUBLE");
    }

    /**
     * @param name of a BOOLEAN column.
     * @return its accessor.
     */
    public BooleanColumn booleanColumn(final String name)
    {
        return (BooleanColumn)typed(name, BooleanColumn.class, "BOOLEAN");
    }

    /**
     * @param name of a STRING column.
     * @return its accessor.
     */
    public StringColumn stringColumn(final String name)
    {
        return (StringColumn)typed(name, StringColumn.class, "STRING");
    }

    private Column typed(final String name, final Class<? extends Column> type, final String expected)
    {
        final Column column = column(name);
        if (!type.isInstance(column))
        {
            throw new IllegalArgumentException(
                "column '" + name + "' is " + column.type() + ", expected " + expected + " in schema " + this);
        }
        return column;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof Schema && toString().equals(o.toString());
    }

    @Override
    public int hashCode()
    {
        return toString().hashCode();
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < columns.size(); i++)
        {
            sb.append(i == 0 ? "" : ", ").append(columns.get(i));
        }
        return sb.append(')').toString();
    }

    /**
     * Adds columns in order; names must be unique and non-empty.
     */
    public static final class Builder
    {
        private final List<Column> columns = new ArrayList<>();
        private final Map<String, Column> names = new HashMap<>();
        private int fixedLength;

        private Builder()
        {
        }

        /**
         * @param name of the column.
         * @return this.
         */
        public Builder longColumn(final String name)
        {
            return add(new LongColumn(checkName(name), ColumnType.LONG, columns.size(), fixedLength));
        }

        /**
         * @param name of the column, holding epoch milliseconds.
         * @return this.
         */
        public Builder timestampColumn(final String name)
        {
            return add(new LongColumn(checkName(name), ColumnType.TIMESTAMP, columns.size(), fixedLength));
        }

        /**
         * @param name of the column.
         * @return this.
         */
        public Builder intColumn(final String name)
        {
            return add(new IntColumn(checkName(name), columns.size(), fixedLength));
        }

        /**
         * @param name of the column.
         * @return this.
         */
        public Builder doubleColumn(final String name)
        {
            return add(new DoubleColumn(checkName(name), columns.size(), fixedLength));
        }

        /**
         * @param name of the column.
         * @return this.
         */
        public Builder booleanColumn(final String name)
        {
            return add(new BooleanColumn(checkName(name), columns.size(), fixedLength));
        }

        /**
         * @param name      of the column.
         * @param maxLength longest value in bytes, 0 to {@link #MAX_STRING_LENGTH}.
         * @return this.
         */
        public Builder stringColumn(final String name, final int maxLength)
        {
            if (maxLength < 0 || maxLength > MAX_STRING_LENGTH)
            {
                throw new IllegalArgumentException(
                    "column '" + name + "': max length " + maxLength + " not in 0.." + MAX_STRING_LENGTH);
            }
            return add(new StringColumn(checkName(name), columns.size(), fixedLength, maxLength));
        }

        /**
         * Adds a column of the same name, type and maximum length as {@code column}.
         *
         * @param column to copy the shape of.
         * @return this.
         */
        public Builder like(final Column column)
        {
            return like(column.name(), column);
        }

        /**
         * Adds a column of the same type and maximum length as {@code column} under another name.
         *
         * @param name   of the new column.
         * @param column to copy the shape of.
         * @return this.
         */
        public Builder like(final String name, final Column column)
        {
            switch (column.type())
            {
                case LONG: return longColumn(name);
                case TIMESTAMP: return timestampColumn(name);
                case INT: return intColumn(name);
                case DOUBLE: return doubleColumn(name);
                case BOOLEAN: return booleanColumn(name);
                default: return stringColumn(name, column.maxLength());
            }
        }

        /**
         * @return the schema.
         */
        public Schema build()
        {
            if (columns.isEmpty())
            {
                throw new IllegalArgumentException("a schema needs at least one column");
            }
            return new Schema(new ArrayList<>(columns), fixedLength);
        }

        private String checkName(final String name)
        {
            if (null == name || name.isEmpty())
            {
                throw new IllegalArgumentException("column name must not be empty");
            }
            if (names.containsKey(name))
            {
                throw new IllegalArgumentException("duplicate column '" + name + "'");
            }
            return name;
        }

        private Builder add(final Column column)
        {
            columns.add(column);
            names.put(column.name(), column);
            fixedLength += column.type().fixedWidth();
            return this;
        }
    }
}
