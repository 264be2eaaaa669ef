package io.millrace;

/**
 * What a query writes to its sink (docs/semantics.md).
 */
public enum OutputMode
{
    /** Only final rows: a window's row once, when it closes. Rejected for aggregations without a window. */
    APPEND,
    /** Rows whose aggregate changed: as they change in continuous mode, once per trigger otherwise. */
    UPDATE,
    /** The whole result table at every trigger; nothing is evicted. Needs an aggregation. */
    COMPLETE
}
