package io.millrace.window;

import io.millrace.Millrace;
import io.millrace.Publisher;
import io.millrace.Window;
import io.millrace.row.Schema;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link Window} accepts when a query is built: the sizes and slides that give every record at least one
 * window and not too many, durations that are a long number of milliseconds, and the message for those it
 * refuses.
 */
class WindowSpecTest
{
    private static final Schema EVENTS = Schema.builder().timestampColumn("t").stringColumn("key", 8).build();

    @ParameterizedTest(name = "size {0} ms, slide {1} ms")
    @CsvSource({"10, 11", "10, 20", "1, 2", "5, 9223372036854775807"})
    void shouldRefuseASlideLargerThanTheSize(final long size, final long slide)
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> Window.window("t", Duration.ofMillis(size), Duration.ofMillis(slide)));
        assertTrue(refused.getMessage().contains("slide must not be larger than the window size"),
            refused.getMessage());
        assertTrue(refused.getMessage().contains(size + "ms") && refused.getMessage().contains(slide + "ms"),
            refused.getMessage());
    }

    @ParameterizedTest(name = "size {0} ms, slide {1} ms")
    @CsvSource({"3600000, 1", "1001, 1", "100001, 100", "9223372036854775807, 1000000",
        "9223372036854775807, 9223372036854775"})
    void shouldRefuseMoreWindowsPerRecordThanTheLimit(final long size, final long slide)
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> Window.window("t", Duration.ofMillis(size), Duration.ofMillis(slide)));
        final String message = refused.getMessage();
        assertTrue(message.contains(size + "ms") && message.contains(slide + "ms") &&
            message.contains("at most " + Window.MAX_WINDOWS_PER_RECORD), message);
    }

    @ParameterizedTest(name = "size {0} ms, slide {1} ms")
    @CsvSource({"1000, 1", "100000, 100", "99901, 100", "9223372036854775807, 9223372036854776"})
    void shouldAcceptUpToTheLimitOfWindowsPerRecord(final long size, final long slide)
    {
        // A record is in ceil(size / slide) windows at most (fewer when the slide does not divide the size).
        final BigInteger[] quotient = BigInteger.valueOf(size).divideAndRemainder(BigInteger.valueOf(slide));
        final long most = quotient[0].longValueExact() + (quotient[1].signum() > 0 ? 1 : 0);
        assertTrue(most <= Window.MAX_WINDOWS_PER_RECORD, "case beyond the limit: " + most);
        assertEquals(slide, Window.window("t", Duration.ofMillis(size), Duration.ofMillis(slide)).slideMs());
    }

    @ParameterizedTest(name = "{0} seconds")
    @ValueSource(longs = {9_223_372_036_854_776L, Long.MAX_VALUE, -9_223_372_036_854_776L})
    void shouldRefuseDurationsBeyondALongOfMilliseconds(final long seconds)
    {
        final Duration duration = Duration.ofSeconds(seconds);
        for (final Executable build : List.<Executable>of(
            () -> Window.window("t", duration),
            () -> Window.window("t", duration, Duration.ofMillis(1)),
            () -> Window.sessionWindow("t", duration),
            () -> Millrace.readStream(new Publisher(EVENTS)).withWatermark("t", duration)))
        {
            final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, build);
            assertTrue(refused.getMessage().contains(Long.toString(Long.MAX_VALUE)), refused.getMessage());
        }
    }

    @ParameterizedTest(name = "size {0} ms, slide {1} ms")
    @CsvSource({"10, 10, TUMBLING", "10, 9, SLIDING", "10, 1, SLIDING", "1, 1, TUMBLING"})
    void shouldAcceptASlideUpToTheSize(final long size, final long slide, final Window.Kind kind)
    {
        final Window window = Window.window("t", Duration.ofMillis(size), Duration.ofMillis(slide));
        assertEquals(kind, window.kind());
        assertEquals(size, window.sizeMs());
        assertEquals(slide, window.slideMs());
    }
}
