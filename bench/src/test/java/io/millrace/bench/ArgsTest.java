package io.millrace.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArgsTest
{
    @ParameterizedTest
    @CsvSource({"1000000, 1000000", "1_000_000, 1000000", "100k, 100000", "1m, 1000000", "2G, 2000000000"})
    void shouldParseCounts(final String text, final long expected)
    {
        assertEquals(expected, Args.parseCount("rate", text));
    }

    @ParameterizedTest
    @CsvSource({"250ms, 250000000", "10s, 10000000000", "5m, 300000000000", "1500, 1500000000", "100us, 100000"})
    void shouldParseDurations(final String text, final long expectedNanos)
    {
        assertEquals(Duration.ofNanos(expectedNanos), Args.parseDuration("window", text));
    }

    @Test
    void shouldTakeValuesInBothForms()
    {
        final Args args = Args.parse(new String[]{"--rate", "1m", "--seconds=5", "--journal"},
            Set.of("rate", "seconds"), Set.of("journal"));
        assertEquals(1_000_000, args.count("rate", 0, 1));
        assertEquals(5, args.count("seconds", 0, 1));
        assertTrue(args.has("journal"));
        assertFalse(args.has("help"));
    }

    @Test
    void shouldRejectMistakesWithAReason()
    {
        final Set<String> options = Set.of("rate");
        assertThrows(Args.BadArgumentException.class, () -> Args.parse(new String[]{"--speed", "1"}, options, Set.of()));
        assertThrows(Args.BadArgumentException.class, () -> Args.parse(new String[]{"--rate"}, options, Set.of()));
        assertThrows(Args.BadArgumentException.class, () -> Args.parse(new String[]{"1"}, options, Set.of()));
        assertThrows(Args.BadArgumentException.class, () -> Args.parseCount("rate", "fast"));
        assertThrows(Args.BadArgumentException.class, () -> Args.parseDuration("window", "-1s"));
        final Args args = Args.parse(new String[]{"--rate", "0"}, options, Set.of());
        assertThrows(Args.BadArgumentException.class, () -> args.count("rate", 1, 1));
    }
}
