package io.millrace.cli;

import picocli.CommandLine;

import java.time.Duration;

/**
 * Parses durations as the command line writes them: {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}, or plain
 * milliseconds.
 */
final class Durations implements CommandLine.ITypeConverter<Duration>
{
    /** The format, for help texts and messages. */
    static final String FORMAT = "250ms, 10s, 5m, 1h or plain milliseconds";

    /** What the help of a duration option ends with. */
    static final String HELP = " DUR is " + FORMAT + ".";

    @Override
    public Duration convert(final String value)
    {
        return parse(value);
    }

    static Duration parse(final String value)
    {
        final String text = value.trim();
        int split = text.length();
        while (split > 0 && !Character.isDigit(text.charAt(split - 1)))
        {
            split--;
        }
        final String unit = text.substring(split);
        final long amount;
        try
        {
            amount = Long.parseLong(text.substring(0, split));
        }
        catch (final NumberFormatException ex)
        {
            throw new CommandLine.TypeConversionException(
                "'" + value + "' is not a duration: use " + FORMAT);
        }
        if (amount < 0)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is negative");
        }
        switch (unit)
        {
            case "":
            case "ms": return Duration.ofMillis(amount);
            case "s": return Duration.ofSeconds(amount);
            case "m": return Duration.ofMinutes(amount);
            case "h": return Duration.ofHours(amount);
            default: throw new CommandLine.TypeConversionException(
                "'" + value + "' has unknown unit '" + unit + "': use ms, s, m or h");
        }
    }
}
