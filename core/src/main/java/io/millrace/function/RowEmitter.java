package io.millrace.function;

import io.millrace.row.RowWriter;

/**
 * Emits rows from a {@link RowFlatMapper}: {@link #row()} hands a writer reset for a new row,
 * {@link #emit()} passes it downstream at once.
 */
public interface RowEmitter
{
    /**
     * @return the writer for the next output row, reset.
     */
    RowWriter row();

    /**
     * Passes the row written since the last {@link #row()} downstream.
     */
    void emit();
}
