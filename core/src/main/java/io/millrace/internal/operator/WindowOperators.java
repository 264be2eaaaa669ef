package io.millrace.internal.operator;

import io.millrace.Aggregate;
import io.millrace.internal.state.KeyCodec;
import io.millrace.row.Column;
import io.millrace.row.Schema;

import java.util.List;

/**
 * What the window operators share: the output column names and the description of a windowed aggregation.
 */
public final class WindowOperators
{
    /** Output column holding a window's start, epoch ms. */
    public static final String WINDOW_START = "window_start";
    /** Output column holding a window's end (exclusive), epoch ms. */
    public static final String WINDOW_END = "window_end";

    private WindowOperators()
    {
    }

    /**
     * A windowed aggregation.
     *
     * @param timeColumn event-time column.
     * @param sizeMs     window size, or session gap.
     * @param slideMs    slide between starts; 0 for sessions.
     * @param keyColumns grouping columns besides the window.
     * @param aggregates the functions.
     */
    public record Spec(String timeColumn, long sizeMs, long slideMs, List<String> keyColumns, List<Aggregate> aggregates)
    {
    }

    static KeyCodec keyCodec(final Schema input, final Spec spec, final Schema output)
    {
        final List<String> names = spec.keyColumns();
        final Column[] inputs = new Column[names.size()];
        final Column[] outputs = new Column[names.size()];
        for (int i = 0; i < inputs.length; i++)
        {
            inputs[i] = input.column(names.get(i));
            outputs[i] = output.column(names.get(i));
        }
        return new KeyCodec(inputs, outputs);
    }
}
