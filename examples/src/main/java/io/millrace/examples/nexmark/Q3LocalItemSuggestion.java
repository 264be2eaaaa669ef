package io.millrace.examples.nexmark;

import io.millrace.Join;
import io.millrace.Stream;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.StringColumn;
import io.millrace.source.NexmarkGenerator;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * NEXMark q3, local item suggestion: {@code name, city, state, id} for each auction of category 10 whose seller
 * is a person in Oregon, Idaho or California ({@code id} is the auction's). An incremental join without a time
 * bound: each (auction, person) pair is written once, when the second of the two arrives, and both sides are kept
 * for as long as the query runs (after the filters and projections, so only the columns the join needs).
 */
public final class Q3LocalItemSuggestion
{
    private static final LongColumn CATEGORY = NexmarkGenerator.EVENT.longColumn("category");
    private static final StringColumn STATE = NexmarkGenerator.EVENT.stringColumn("state");
    private static final UnsafeBuffer[] STATES = {ascii("OR"), ascii("ID"), ascii("CA")};

    private Q3LocalItemSuggestion()
    {
    }

    /**
     * @param events the NEXMark events ({@link Nexmark#events}).
     * @return the suggestions.
     */
    public static Stream plan(final Stream events)
    {
        final Stream auctions = events
            .filter(row -> Nexmark.is(row, NexmarkGenerator.Kind.AUCTION) && CATEGORY.get(row) == 10)
            .select("id", "seller");
        final Stream persons = events
            .filter(row -> Nexmark.is(row, NexmarkGenerator.Kind.PERSON) && inState(row))
            .select("id", "name", "city", "state");
        // The person's id is renamed right_id beside the auction's id.
        return auctions.join(persons, Join.on("seller", "id")).select("name", "city", "state", "id");
    }

    private static boolean inState(final RowView row)
    {
        for (final UnsafeBuffer state : STATES)
        {
            if (STATE.equals(row, state, 0, state.capacity()))
            {
                return true;
            }
        }
        return false;
    }

    private static UnsafeBuffer ascii(final String value)
    {
        return new UnsafeBuffer(value.getBytes(StandardCharsets.US_ASCII));
    }
}
