package io.millrace.cli;

import picocli.CommandLine;

/**
 * Parses counts as the command line writes them: decimal digits with an optional unit, {@code k} (thousand),
 * {@code m} (million) or {@code b} (billion), either case, e.g. {@code 250000}, {@code 10k}, {@code 1m}. The value
 * is exact ({@code 1k} is 1000); fractions, signs, other units and values past {@link Long#MAX_VALUE} are refused.
 */
final class Counts implements CommandLine.ITypeConverter<Long>
{
    /** The format, for help texts and messages. */
    static final String FORMAT = "digits with an optional k (thousand), m (million) or b (billion), e.g. 250000, " +
        "10k, 1m";

    @Override
    public Long convert(final String value)
    {
        final int digits = value.length() - (value.isEmpty() || Character.isDigit(value.charAt(value.length() - 1)) ?
            0 : 1);
        final long unit = digits == value.length() ? 1 : switch (Character.toLowerCase(value.charAt(digits)))
        {
            case 'k' -> 1_000L;
            case 'm' -> 1_000_000L;
            case 'b' -> 1_000_000_000L;
            default -> 0L;
        };
        if (digits == 0 || unit == 0 || !value.substring(0, digits).chars().allMatch(c -> c >= '0' && c <= '9'))
        {
            throw notACount(value);
        }
        try
        {
            return Math.multiplyExact(Long.parseLong(value.substring(0, digits)), unit);
        }
        catch (final NumberFormatException | ArithmeticException ex)
        {
            throw notACount(value);
        }
    }

    private static CommandLine.TypeConversionException notACount(final String value)
    {
        return new CommandLine.TypeConversionException("'" + value + "' is not a count: use " + FORMAT +
            ", at most " + Long.MAX_VALUE);
    }
}
