package io.millrace.window;

import io.millrace.Window;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link Window} accepts when a query is built: the sizes and slides that give every record at least one
 * window, and the message for those it refuses.
 */
class WindowSpecTest
{
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
    @CsvSource({"10, 10, TUMBLING", "10, 9, SLIDING", "10, 1, SLIDING", "1, 1, TUMBLING"})
    void shouldAcceptASlideUpToTheSize(final long size, final long slide, final Window.Kind kind)
    {
        final Window window = Window.window("t", Duration.ofMillis(size), Duration.ofMillis(slide));
        assertEquals(kind, window.kind());
        assertEquals(size, window.sizeMs());
        assertEquals(slide, window.slideMs());
    }
}
