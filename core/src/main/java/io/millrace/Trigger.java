package io.millrace;

import java.time.Duration;
import java.util.Objects;

/**
 * When a query produces results. Every trigger processes records as they arrive; they differ in where epochs are
 * cut and so when update and complete output is written and committed. Continuous and processing-time epochs end
 * on time when the input falls silent, so an idle input's last rows are committed within an interval.
 */
public final class Trigger
{
    /** The kinds of trigger. */
    public enum Kind
    {
        /** Record at a time; an epoch every interval; update output as rows change. */
        CONTINUOUS,
        /** Micro-batches: an epoch every interval; update and complete output once per epoch. */
        PROCESSING_TIME,
        /** Process the input that exists when the query starts, as one epoch, then stop. */
        AVAILABLE_NOW
    }

    private final Kind kind;
    private final Duration interval;

    private Trigger(final Kind kind, final Duration interval)
    {
        this.kind = kind;
        this.interval = interval;
    }

    /**
     * @param epochInterval between checkpoints; positive.
     * @return a continuous trigger.
     */
    public static Trigger continuous(final Duration epochInterval)
    {
        return new Trigger(Kind.CONTINUOUS, positive(epochInterval));
    }

    /**
     * @param interval between micro-batches; positive.
     * @return a processing-time trigger.
     */
    public static Trigger processingTime(final Duration interval)
    {
        return new Trigger(Kind.PROCESSING_TIME, positive(interval));
    }

    /**
     * A trigger that processes the input available when the query starts, as one epoch, and then stops: a file
     * source reads its files up to the lengths they had at the start (standard input to its end), a generator its
     * events. A source that cannot say what is available ({@link io.millrace.source.Source#endAtAvailableInput()}
     * returns false) and a {@link Publisher}, whose rows all come after the start, are refused by
     * {@link StreamWriter#start()}.
     *
     * @return an available-now trigger.
     */
    public static Trigger availableNow()
    {
        return new Trigger(Kind.AVAILABLE_NOW, Duration.ZERO);
    }

    /**
     * @return the kind.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * @return the epoch interval; zero for {@link Kind#AVAILABLE_NOW}.
     */
    public Duration interval()
    {
        return interval;
    }

    @Override
    public String toString()
    {
        return kind == Kind.AVAILABLE_NOW ? "availableNow" : kind.name().toLowerCase() + "(" + interval + ")";
    }

    private static Duration positive(final Duration interval)
    {
        Objects.requireNonNull(interval, "interval");
        if (interval.isZero() || interval.isNegative())
        {
            throw new IllegalArgumentException("trigger interval must be positive: " + interval);
        }
        return interval;
    }
}
