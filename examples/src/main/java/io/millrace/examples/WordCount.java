package io.millrace.examples;

import io.millrace.Millrace;
import io.millrace.Stream;
import io.millrace.function.RowEmitter;
import io.millrace.function.RowFlatMapper;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.source.TextLineSource;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.file.Path;
import java.util.List;

/**
 * Word count: words are maximal runs of ASCII letters and digits, lower-cased; the result has rows
 * {@code (word, count)}. Every other byte (punctuation, whitespace, bytes of non-ASCII characters) separates
 * words.
 */
public final class WordCount
{
    /** Column of the words. */
    public static final String WORD_COLUMN = "word";

    private WordCount()
    {
    }

    /**
     * @param inputs        text files; {@code -} is standard input.
     * @param maxRecordSize longest line in bytes; longer lines go to the dead-letter output.
     * @return the plan {@code lines -> words -> groupBy(word).count()}.
     */
    public static Stream plan(final List<Path> inputs, final int maxRecordSize)
    {
        final TextLineSource source = new TextLineSource(inputs, maxRecordSize);
        final Schema words = Schema.builder().stringColumn(WORD_COLUMN, maxRecordSize).build();
        return Millrace.readStream(source)
            .flatMap(words, new WordSplitter(source.schema().stringColumn(TextLineSource.LINE_COLUMN),
                words.stringColumn(WORD_COLUMN)))
            .groupBy(WORD_COLUMN)
            .count();
    }

    /**
     * Emits each word of a line, lower-cased in place in the output row; allocates nothing.
     */
    static final class WordSplitter implements RowFlatMapper
    {
        private final StringColumn line;
        private final StringColumn word;

        WordSplitter(final StringColumn line, final StringColumn word)
        {
            this.line = line;
            this.word = word;
        }

        @Override
        public void flatMap(final RowView in, final RowEmitter out)
        {
            final DirectBuffer buffer = in.buffer();
            final int end = line.bytesOffset(in) + line.length(in);
            int i = line.bytesOffset(in);
            while (i < end)
            {
                while (i < end && !isWordByte(buffer.getByte(i)))
                {
                    i++;
                }
                if (i == end)
                {
                    break;
                }
                final RowWriter row = out.row();
                final int start = row.beginString(word, end - i);
                final MutableDirectBuffer target = row.buffer();
                int length = 0;
                for (byte b; i < end && isWordByte(b = buffer.getByte(i)); i++)
                {
                    target.putByte(start + length++, b >= 'A' && b <= 'Z' ? (byte)(b + ('a' - 'A')) : b);
                }
                row.endString(word, length);
                out.emit();
            }
        }

        private static boolean isWordByte(final byte b)
        {
            return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9');
        }
    }
}
