package io.millrace.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Plain command-line parsing for the harnesses: {@code --name value}, {@code --name=value} and flags without a
 * value. Counts take an optional {@code k}, {@code m} or {@code g} suffix (thousands, millions, billions) and
 * underscores; durations are {@code 250ms}, {@code 10s}, {@code 5m}, {@code 100us} or plain milliseconds (as on the
 * command line). A mistake throws {@link BadArgumentException} with a one-line reason.
 */
public final class Args
{
    private final Map<String, String> values = new HashMap<>();

    private Args()
    {
    }

    /**
     * What a harness does with its parsed arguments.
     */
    @FunctionalInterface
    public interface Measurement
    {
        /**
         * @param parsed the arguments.
         * @return the exit status.
         * @throws Exception when the measurement fails.
         */
        int measure(Args parsed) throws Exception;
    }

    /**
     * Runs a harness's command line the same way for every harness: {@code --help} prints the usage; bad arguments
     * print one line naming the harness and give 2; a failed measurement prints its stack trace and gives 1.
     *
     * @param name        of the harness, for messages.
     * @param usage       its help text.
     * @param args        the command line.
     * @param options     names of options that take a value.
     * @param flags       names of options that take none.
     * @param measurement what the harness does.
     * @return the exit status.
     */
    public static int run(
        final String name, final String usage, final String[] args, final Set<String> options,
        final Set<String> flags, final Measurement measurement)
    {
        try
        {
            final Args parsed = parse(args, options, flags);
            if (parsed.has("help"))
            {
                System.out.println(usage);
                return 0;
            }
            return measurement.measure(parsed);
        }
        catch (final BadArgumentException ex)
        {
            System.err.println(name + ": " + ex.getMessage());
            return 2;
        }
        catch (final Exception ex)
        {
            ex.printStackTrace();
            return 1;
        }
    }

    /**
     * @param args    the command line.
     * @param options names (without {@code --}) that take a value.
     * @param flags   names (without {@code --}) that take none.
     * @return the parsed arguments.
     * @throws BadArgumentException on an unknown option, a missing value or a stray argument.
     */
    public static Args parse(final String[] args, final Set<String> options, final Set<String> flags)
    {
        final Args parsed = new Args();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help"))
            {
                parsed.values.put("help", "");
                continue;
            }
            if (!arg.startsWith("--"))
            {
                throw new BadArgumentException("unexpected argument '" + arg + "'; see --help");
            }
            final int equals = arg.indexOf('=');
            final String name = arg.substring(2, equals < 0 ? arg.length() : equals);
            if (flags.contains(name))
            {
                if (equals >= 0)
                {
                    throw new BadArgumentException("--" + name + " takes no value");
                }
                parsed.values.put(name, "");
            }
            else if (options.contains(name))
            {
                if (equals >= 0)
                {
                    parsed.values.put(name, arg.substring(equals + 1));
                }
                else if (i + 1 < args.length)
                {
                    parsed.values.put(name, args[++i]);
                }
                else
                {
                    throw new BadArgumentException("--" + name + " needs a value");
                }
            }
            else
            {
                throw new BadArgumentException("unknown option '" + arg + "'; see --help");
            }
        }
        return parsed;
    }

    /**
     * @param name of a flag or option, without {@code --}.
     * @return whether it was given.
     */
    public boolean has(final String name)
    {
        return values.containsKey(name);
    }

    /**
     * @param name         of the option.
     * @param defaultValue when it was not given.
     * @return its value.
     */
    public String string(final String name, final String defaultValue)
    {
        return values.getOrDefault(name, defaultValue);
    }

    /**
     * @param name  of an option the command cannot do without.
     * @param label of its value in the error, e.g. {@code HOST:PORT}.
     * @return its value.
     * @throws BadArgumentException when it was not given.
     */
    public String required(final String name, final String label)
    {
        if (!has(name))
        {
            throw new BadArgumentException("--" + name + " " + label + " is required; see --help");
        }
        return values.get(name);
    }

    /**
     * @param name         of the option.
     * @param defaultValue when it was not given.
     * @param min          smallest value allowed.
     * @return its value.
     * @throws BadArgumentException when it is not a count or is below {@code min}.
     */
    public long count(final String name, final long defaultValue, final long min)
    {
        final String text = values.get(name);
        final long value = null == text ? defaultValue : parseCount(name, text);
        if (value < min)
        {
            throw new BadArgumentException("--" + name + " must be at least " + min + ": " + value);
        }
        return value;
    }

    /**
     * @param name         of the option.
     * @param defaultValue when it was not given, or null for none.
     * @return its value, or null when neither given nor defaulted.
     * @throws BadArgumentException when it is not a duration or is negative.
     */
    public Duration duration(final String name, final Duration defaultValue)
    {
        final String text = values.get(name);
        return null == text ? defaultValue : parseDuration(name, text);
    }

    /**
     * @param name of the option, for the message.
     * @param text such as {@code 1000000}, {@code 1_000_000}, {@code 1m} or {@code 100k}.
     * @return the count.
     * @throws BadArgumentException when it is not one.
     */
    public static long parseCount(final String name, final String text)
    {
        final String plain = text.replace("_", "").toLowerCase(Locale.ROOT);
        long multiplier = 1;
        String digits = plain;
        if (plain.endsWith("k") || plain.endsWith("m") || plain.endsWith("g"))
        {
            multiplier = plain.endsWith("k") ? 1_000L : plain.endsWith("m") ? 1_000_000L : 1_000_000_000L;
            digits = plain.substring(0, plain.length() - 1);
        }
        try
        {
            return Math.multiplyExact(Long.parseLong(digits), multiplier);
        }
        catch (final NumberFormatException | ArithmeticException ex)
        {
            throw new BadArgumentException("--" + name + " must be a count such as 1000000 or 1m: '" + text + "'");
        }
    }

    /**
     * @param name of the option, for the message.
     * @param text such as {@code 250ms}, {@code 10s}, {@code 5m}, {@code 100us} or {@code 1500} (ms).
     * @return the duration, zero or more.
     * @throws BadArgumentException when it is not one.
     */
    public static Duration parseDuration(final String name, final String text)
    {
        final String plain = text.trim().toLowerCase(Locale.ROOT);
        try
        {
            final Duration duration;
            if (plain.endsWith("ms"))
            {
                duration = Duration.ofMillis(Long.parseLong(plain.substring(0, plain.length() - 2)));
            }
            else if (plain.endsWith("us"))
            {
                duration = Duration.ofNanos(1000 * Long.parseLong(plain.substring(0, plain.length() - 2)));
            }
            else if (plain.endsWith("s"))
            {
                duration = Duration.ofSeconds(Long.parseLong(plain.substring(0, plain.length() - 1)));
            }
            else if (plain.endsWith("m"))
            {
                duration = Duration.ofMinutes(Long.parseLong(plain.substring(0, plain.length() - 1)));
            }
            else
            {
                duration = Duration.ofMillis(Long.parseLong(plain));
            }
            if (duration.isNegative())
            {
                throw new BadArgumentException("--" + name + " must not be negative: '" + text + "'");
            }
            return duration;
        }
        catch (final NumberFormatException ex)
        {
            throw new BadArgumentException("--" + name + " must be a duration such as 250ms, 10s or 5m: '" + text + "'");
        }
    }

    /** A command-line mistake; its message is the one-line reason. */
    public static final class BadArgumentException extends IllegalArgumentException
    {
        private static final long serialVersionUID = 1L;

        /**
         * @param message the reason.
         */
        public BadArgumentException(final String message)
        {
            super(message);
        }
    }
}
