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
    /**
     * @param input a {@link Source} or a {@link Publisher}.
     * @return the ingress of it.
     */
    static Ingress of(final Object input)
    {
        return input instanceof Source source ? new Ingress(source, null) : new Ingress(null, (Publisher)input);
    }

    /**
     * @return the source or the publisher.
     */
    Object input()
    {
        return null != source ? source : publisher;
    }

    /**
     * @return what the input is, in messages: {@code source} or {@code publisher}.
     */
    String kind()
    {
        return null != source ? "source" : "publisher";
    }

    Schema schema()
    {
        return null != source ? source.schema() : publisher.schema();
    }

    @Override
    public String toString()
    {
        return kind() + " " + input();
    }
}
