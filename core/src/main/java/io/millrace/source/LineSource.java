package io.millrace.source;

import org.agrona.DirectBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the line-based sources share: a {@link LineReader} over their inputs, positions as byte offsets of line
 * starts from the start of the first input, seeking (replayable unless an input is standard input), and lines
 * over the maximum record size sent to the dead-letter output as they were. Subclasses turn each line
 * into a row in {@link #onLine}, writing to {@link #output}.
 */
abstract class LineSource implements Source, LineReader.LineHandler
{
    final List<Path> inputs;
    final int maxRecordSize;
    SourceOutput output;
    private LineReader reader;
    private long[] inputLimits;

    LineSource(final List<Path> inputs, final int maxRecordSize)
    {
        this.inputs = List.copyOf(inputs);
        this.maxRecordSize = maxRecordSize;
    }

    @Override
    public void open()
    {
        reader = new LineReader(inputs, maxRecordSize);
        if (null != inputLimits)
        {
            reader.limitInputs(inputLimits);
        }
    }

    /**
     * Takes the length of every input file now; the source reads no further. Standard input has no length to
     * take: it is read to its end.
     *
     * @return true.
     * @throws java.io.UncheckedIOException when a file's length cannot be read.
     */
    @Override
    public boolean endAtAvailableInput()
    {
        final long[] limits = new long[inputs.size()];
        for (int i = 0; i < limits.length; i++)
        {
            final Path input = inputs.get(i);
            try
            {
                limits[i] = "-".equals(input.toString()) ? LineReader.NO_LIMIT : Files.size(input);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot read the length of input " + input + ": " + ex.getMessage(), ex);
            }
        }
        inputLimits = limits;
        return true;
    }

    @Override
    public SourceStatus poll(final SourceOutput out, final int limit)
    {
        output = out;
        final int lines = reader.read(this, limit);
        return lines == LineReader.END_OF_INPUT ? SourceStatus.END_OF_INPUT :
            lines > 0 ? SourceStatus.MORE_AVAILABLE : SourceStatus.NOTHING_AVAILABLE;
    }

    @Override
    public long position()
    {
        return null == reader ? 0 : reader.position();
    }

    @Override
    public long lineNumber()
    {
        return null == reader ? 0 : reader.lineNumber();
    }

    /**
     * @param offset of a line being delivered.
     * @return whether it is the first line of its input file (or of standard input).
     */
    protected boolean isFirstLineOfInput(final long offset)
    {
        return offset == reader.inputStart();
    }

    @Override
    public boolean isReplayable()
    {
        return !inputs.contains(Path.of("-"));
    }

    @Override
    public void seek(final long position, final long lineNumber)
    {
        reader.seek(position, lineNumber);
    }

    @Override
    public boolean onOverlongLine(
        final DirectBuffer buffer, final int index, final int length, final long lineNumber, final long totalLength)
    {
        output.deadLetter(lineNumber, "record of " + totalLength + " bytes exceeds max record size " +
            maxRecordSize + (length < totalLength ? " (first " + length + " bytes shown)" : ""), buffer, index, length);
        return true;
    }

    @Override
    public void close()
    {
        if (null != reader)
        {
            reader.close();
        }
    }
}
