package io.millrace.examples.nexmark;

import io.millrace.Stream;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The NEXMark queries Millrace runs, by name ({@code q0} ... {@code q18}), each a plan over the events stream.
 * Every query's rows are final or an update stream written as they come, so each is written in append mode.
 */
public enum NexmarkQuery
{
    /** Pass-through. */
    Q0(Q0PassThrough::plan),
    /** Currency conversion. */
    Q1(Q1CurrencyConversion::plan),
    /** Selection. */
    Q2(Q2Selection::plan),
    /** Local item suggestion: an incremental join. */
    Q3(Q3LocalItemSuggestion::plan),
    /** Average price for a category, over q9. */
    Q4(Q4AveragePriceForCategory::plan),
    /** Hot items: sliding windows. */
    Q5(Q5HotItems::plan),
    /** Highest bid per window. */
    Q7(Q7HighestBid::plan),
    /** Monitor new users. */
    Q8(Q8MonitorNewUsers::plan),
    /** Winning bids. */
    Q9(Q9WinningBids::plan),
    /** User sessions. */
    Q11(Q11UserSessions::plan),
    /** Find last bid. */
    Q18(Q18LastBid::plan);

    private final UnaryOperator<Stream> plan;

    NexmarkQuery(final UnaryOperator<Stream> plan)
    {
        this.plan = plan;
    }

    /**
     * @param events the NEXMark events ({@link Nexmark#events}).
     * @return the query's output stream.
     */
    public Stream plan(final Stream events)
    {
        return plan.apply(events);
    }

    /**
     * @return the query's name on the command line: {@code q0}, {@code q1}, ...
     */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param label a query's name, {@code q0} ... {@code q18}, in any case.
     * @return the query.
     * @throws IllegalArgumentException naming the queries there are when there is none of that name.
     */
    public static NexmarkQuery named(final String label)
    {
        for (final NexmarkQuery query : values())
        {
            if (query.label().equalsIgnoreCase(label))
            {
                return query;
            }
        }
        throw new IllegalArgumentException("no NEXMark query '" + label + "'; the queries are " +
            String.join(", ", Arrays.stream(values()).map(NexmarkQuery::label).toList()) + ", or all");
    }
}
