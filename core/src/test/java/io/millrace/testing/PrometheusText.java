package io.millrace.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scrapes a Prometheus endpoint and reads its text strictly, for the metrics tests.
 */
public final class PrometheusText
{
    private static final Pattern SAMPLE = Pattern.compile(
        "([a-zA-Z_:][a-zA-Z0-9_:]*)\\{query=\"((?:[^\"\\\\]|\\\\.)*)\"((?:,[a-z]+=\"(?:[^\"\\\\]|\\\\.)*\")*)} (\\S+)");
    private static final Pattern LABEL = Pattern.compile(",([a-z]+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private PrometheusText()
    {
    }

    /**
     * @param port of an endpoint on 127.0.0.1.
     * @return the text of {@code /metrics}, after checking the status and the content type.
     * @throws IOException          when it cannot be reached.
     * @throws InterruptedException when interrupted.
     */
    public static String scrape(final int port) throws IOException, InterruptedException
    {
        final HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
            response.headers().firstValue("Content-Type").orElse(""));
        return response.body();
    }

    /**
     * A strict reader of the text exposition format: each family's help and type come first, once; every sample
     * belongs to a declared family, is labelled with its query, and has a numeric value (NaN allowed); counters end in
     * {@code _total}; a summary's samples are its quantiles, each labelled with one, and its {@code _sum} and
     * {@code _count}.
     *
     * @return per family, the value per query label (as it is escaped in the text); a summary's quantile as
     *         {@code name{quantile=Q}}, its sum and count as {@code name_sum} and {@code name_count}; an operation's
     *         figure (labelled with its node and operation) as {@code name{node=N}}.
     */
    public static Map<String, Map<String, Double>> parse(final String text)
    {
        final Map<String, String> types = new HashMap<>();
        final Map<String, Map<String, Double>> families = new LinkedHashMap<>();
        String helped = null;
        for (final String line : text.split("\n", -1))
        {
            if (line.isEmpty())
            {
                continue;
            }
            if (line.startsWith("# HELP "))
            {
                helped = line.substring(7).split(" ", 2)[0];
                assertTrue(helped.matches("[a-zA-Z_:][a-zA-Z0-9_:]*"), line);
            }
            else if (line.startsWith("# TYPE "))
            {
                final String[] parts = line.substring(7).split(" ");
                assertEquals(2, parts.length, line);
                assertEquals(helped, parts[0], "help before type: " + line);
                assertTrue(parts[1].equals("counter") || parts[1].equals("gauge") || parts[1].equals("summary"),
                    line);
                assertTrue(!parts[1].equals("counter") || parts[0].endsWith("_total"), "a counter's name: " + line);
                assertTrue(null == types.put(parts[0], parts[1]), "declared twice: " + line);
                families.put(parts[0], new LinkedHashMap<>());
            }
            else
            {
                final Matcher sample = SAMPLE.matcher(line);
                assertTrue(sample.matches(), "not a sample: " + line);
                final String name = sample.group(1);
                final Map<String, String> labels = new LinkedHashMap<>();
                final Matcher label = LABEL.matcher(sample.group(3));
                while (label.find())
                {
                    assertTrue(null == labels.put(label.group(1), label.group(2)), "a label twice: " + line);
                }
                final String quantile = labels.get("quantile");
                final String summary = name.replaceFirst("_(sum|count)$", "");
                String key;
                if (types.containsKey(name) && !"summary".equals(types.get(name)))
                {
                    assertTrue(null == quantile, "a quantile outside a summary: " + line);
                    key = name;
                }
                else if ("summary".equals(types.get(name)))
                {
                    assertTrue(null != quantile && quantile.matches("[0-9.]+"),
                        "a summary's sample without its quantile: " + line);
                    key = name + "{quantile=" + quantile + "}";
                }
                else
                {
                    assertTrue("summary".equals(types.get(summary)) && null == quantile,
                        "sample of an undeclared family: " + line);
                    key = name;
                }
                if (labels.containsKey("node"))
                {
                    assertTrue(labels.get("node").matches("[0-9]+") && labels.containsKey("operation"),
                        "an operation's sample names its node and operation: " + line);
                    key = name + "{node=" + labels.get("node") + "}";
                }
                final double value = Double.parseDouble(sample.group(4));
                assertTrue(!Double.isInfinite(value), "a value: " + line);
                families.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(sample.group(2), value);
            }
        }
        assertTrue(text.endsWith("\n"), "the text ends with a line feed");
        return families;
    }
}
