package io.millrace.cli;

import io.millrace.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the command line's help says and how it reads counts: every summary whole, every duration option
 * explaining the duration format, and event counts with unit suffixes parsed exactly or refused with a reason.
 */
class HelpAndArgumentsTest
{
    private static final String DURATION_FORMAT = "250ms, 10s, 5m, 1h or plain milliseconds";

    @ParameterizedTest
    @ValueSource(strings = {"epochs", "dump", "verify", "replay", "state"})
    void shouldShowEachJournalCommandsWholeSummaryInJournalHelp(final String command)
    {
        final Cli.Run journalHelp = Cli.run("journal", "--help");
        assertEquals(0, journalHelp.exitCode(), journalHelp.toString());
        final String description = String.join(" ", new CommandLine(JournalCommand.class).getSubcommands()
            .get(command).getCommandSpec().usageMessage().description());
        // Help wraps lines at spaces and after commas, so the texts are compared without their whitespace.
        final String summary = journalHelp.outText().replaceAll("\\s+", "");
        assertTrue(summary.contains(command + description.replaceAll("\\s+", "")),
            "journal --help shows '" + description + "' whole:\n" + journalHelp.outText());
    }

    @Test
    void shouldExplainTheDurationFormatInTheHelpOfEveryDurationOption()
    {
        final CommandLine.Model.CommandSpec spec =
            CommandLine.Model.CommandSpec.forAnnotatedObject(new WindowedCountCommand());
        final List<String> durationOptions = new ArrayList<>();
        for (final CommandLine.Model.OptionSpec option : spec.options())
        {
            if (Arrays.stream(option.converters()).anyMatch(converter -> converter instanceof Durations))
            {
                durationOptions.add(option.longestName());
                assertTrue(String.join(" ", option.description()).contains(DURATION_FORMAT),
                    option.longestName() + ": " + Arrays.toString(option.description()));
            }
        }
        assertEquals(List.of("--window", "--session-gap", "--slide", "--watermark", "--epoch-interval",
            "--session-timeout", "--max-delay"), durationOptions);
        final String help = words(Cli.run("windowed-count", "--help").outText());
        assertTrue(help.contains(DURATION_FORMAT), help);
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "2500, 2500", "10k, 10000", "3K, 3000", "1m, 1000000", "7M, 7000000", "2b, 2000000000",
        "9223372036854775807, 9223372036854775807"})
    void shouldReadCountsWithUnitSuffixesExactly(final String text, final long expected)
    {
        assertEquals(expected, new Counts().convert(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5k", "10x", "k", "", "-1", "-2k", "1kk", "9223372036854776k", "99999999999999999999",
        "1 k"})
    void shouldRefuseACountThatIsNotDigitsWithAnOptionalUnit(final String text)
    {
        final Cli.Run run = Cli.run("windowed-count", "--generate", text, "--window", "1s");
        assertEquals(MillraceCommand.EXIT_BAD_ARGUMENTS, run.exitCode(), run.toString());
        final String[] lines = run.err().split("\n");
        assertEquals(1, lines.length, run.err());
        assertTrue(lines[0].contains("'" + text + "' is not a count") &&
            lines[0].contains("k (thousand), m (million) or b (billion)"), lines[0]);
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @Test
    @Timeout(120)
    void shouldGenerateAsManyEventsForACountWithAUnitAsForItsDigits()
    {
        final Cli.Run withUnit = Cli.run("windowed-count", "--generate", "3k", "--window", "10ms");
        final Cli.Run withDigits = Cli.run("windowed-count", "--generate", "3000", "--window", "10ms");
        assertEquals(0, withUnit.exitCode(), withUnit.toString());
        assertEquals(0, withDigits.exitCode(), withDigits.toString());
        assertTrue(withDigits.out().length > 0);
        assertArrayEquals(withDigits.out(), withUnit.out());
    }

    private static String words(final String text)
    {
        return text.replaceAll("\\s+", " ").trim();
    }
}
