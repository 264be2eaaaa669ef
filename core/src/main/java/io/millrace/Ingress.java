package io.millrace;

import io.millrace.row.Schema;
import io.millrace.source.Source;

/**
 * Where a query's input comes from: a polled {@link Source} or an in-process {@link Publisher}; exactly one is
 * set.
 *
 * @param source    polled by the source agent, or null.
 * @param publisher offered to by the caller, or null.
 */
record Ingress(Source source, Publisher publisher)
{
    Schema schema()
    {
        return null != source ? source.schema() : publisher.schema();
    }

    @Override
    public String toString()
    {
        return null != source ? "source " + source : "publisher " + publisher;
    }
}
