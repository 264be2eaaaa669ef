package io.millrace.function;

import io.millrace.row.RowWriter;

/**
 * Writes a row from an argument, for {@link io.millrace.Publisher#offer}. Keep translators in static fields
 * or capture nothing, and pass what varies as the argument, so offering allocates nothing.
 *
 * @param <A> type of the argument.
 */
@FunctionalInterface
public interface RowTranslator<A>
{
    /**
     * @param row writer, reset.
     * @param arg passed to offer.
     */
    void translate(RowWriter row, A arg);
}
