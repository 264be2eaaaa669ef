package io.millrace.internal.metrics;

/**
 * What the hand-written JSON of the progress objects and the status API share: strings quoted and escaped as
 * RFC 8259 asks, and numbers that JSON can hold.
 */
public final class Json
{
    private Json()
    {
    }

    /**
     * @param json to append to.
     * @param text to write as a JSON string.
     */
    public static void quote(final StringBuilder json, final CharSequence text)
    {
        json.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        json.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    /**
     * @param json  to append to.
     * @param value to write, with at most three decimals; 0 when it is not finite, which JSON cannot hold.
     */
    public static void number(final StringBuilder json, final double value)
    {
        json.append(Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : 0.0);
    }
}
