package io.millrace;

import io.millrace.source.Source;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a query's input comes from: polled {@link Source}s (one per input of the query, in the plan's order of
 * inputs) or one in-process {@link Publisher}; exactly one of the two is set.
 *
 * @param sources   polled by the source agent; empty for a publisher.
 * @param publisher offered to by the caller, or null.
 */
record Ingress(List<Source> sources, Publisher publisher)
{
    /**
     * @param inputs the query's inputs: {@link Source}s, or a single {@link Publisher}.
     * @return the ingress of them.
     */
    static Ingress of(final List<Object> inputs)
    {
        if (inputs.size() == 1 && inputs.get(0) instanceof Publisher publisher)
        {
            return new Ingress(List.of(), publisher);
        }
        final List<Source> sources = new ArrayList<>();
        for (final Object input : inputs)
        {
            sources.add((Source)input);
        }
        return new Ingress(List.copyOf(sources), null);
    }

    /**
     * @return the sources or the publisher.
     */
    List<Object> inputs()
    {
        return null != publisher ? List.of(publisher) : List.copyOf(sources);
    }

    /**
     * @return whether every input can be read again from an offset; a publisher cannot.
     */
    boolean replayable()
    {
        return null == publisher && sources.stream().allMatch(Source::isReplayable);
    }

    /**
     * @return what an input is, in messages: {@code source} or {@code publisher}.
     */
    String kind()
    {
        return null != publisher ? "publisher" : "source";
    }

    @Override
    public String toString()
    {
        return null != publisher ? "publisher " + publisher : sources.size() == 1 ? "source " + sources.get(0) :
            "sources " + sources;
    }
}
