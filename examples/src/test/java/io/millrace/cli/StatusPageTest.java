package io.millrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The status page of {@code --metrics-port}, in a real headless Chromium: a {@code windowed-count} with a checkpoint
 * runs in a child JVM; the page, loaded from its endpoint, draws the query's dataflow graph exactly as the status
 * API gives it, its figures, charts and epochs, and updates itself: the figures and two screenshots taken seconds
 * apart differ. The screenshots are kept in {@code target/status-page/}.
 * <p>
 * Without Chromium the test is skipped, saying so, unless {@code MILLRACE_REQUIRE_BROWSER=true} (as {@code .ci/run},
 * which installs it, sets): then it fails.
 */
class StatusPageTest
{
    private static final Pattern ADDRESS = Pattern.compile("status page at http://127\\.0\\.0\\.1:(\\d+)/");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the test reads off the page: the first query's section as drawn. */
    private static final String READ = """
        (() => {
          const query = document.querySelector('[data-query]');
          const text = selector => query ? query.querySelector(selector)?.textContent ?? null : null;
          return {
            updates: Number(document.getElementById('state')?.dataset.updates || 0),
            name: query ? query.dataset.query : null,
            recordsIn: text('[data-figure="millrace_records_in_total"] .value'),
            committedEpoch: text('[data-figure="millrace_committed_epoch"] .value'),
            operations: query ? [...query.querySelectorAll('[data-role=graph] [data-node]')]
              .map(node => node.dataset.operation) : [],
            edges: query ? query.querySelectorAll('[data-role=graph] line').length : 0,
            nodeRows: query ? [...query.querySelectorAll('[data-role=graph] [data-node]')]
              .map(node => Number(node.dataset.rows)) : [],
            lines: query ? query.querySelectorAll('[data-chart] polyline').length : 0,
            throughput: text('[data-chart^="throughput"] [data-series="records in"]'),
            epochs: query ? query.querySelectorAll('[data-role=epochs] tr').length - 1 : 0
          };
        })()""";

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void shouldDrawTheGraphAndChartsThatUpdateLive() throws Exception
    {
        requireBrowser();
        final Path stderr = dir.resolve("stderr.log");
        final ChildCommand child = ChildCommand.start(stderr, null, "windowed-count", "--generate", "100m",
            "--throttle", "100000", "--window", "1s", "--watermark", "200ms", "--epoch-interval", "250ms",
            "--metrics-port", "0", "--checkpoint", dir.resolve("checkpoint").toString(),
            "--output", dir.resolve("out").toString());
        try (HeadlessChromium chromium = HeadlessChromium.start(dir.resolve("profile")))
        {
            final int port = awaitPort(child, stderr);
            final HeadlessChromium.Page page = chromium.open("http://127.0.0.1:" + port + "/");
            final JsonNode first = awaitUpdates(page, 3, chromium);
            final byte[] firstShot = keep(page.screenshot(), "first.png");
            Thread.sleep(2_000);
            final JsonNode second = awaitUpdates(page, first.get("updates").asInt() + 2, chromium);
            final byte[] secondShot = keep(page.screenshot(), "second.png");

            final JsonNode graph = status(port).get("queries").get(0).get("graph").get("nodes");
            final List<String> operations = new ArrayList<>();
            int edges = 0;
            for (final JsonNode node : graph)
            {
                operations.add(node.get("operation").asText());
                edges += node.get("inputs").size();
            }
            assertEquals(4, operations.size(), "source, watermark, windowed count, output: " + operations);
            assertTrue(operations.get(2).startsWith("groupBy(window(event_time, 1000ms), key)"), operations::toString);
            for (final JsonNode drawn : List.of(first, second))
            {
                assertEquals("windowed-count", drawn.get("name").asText(), drawn::toString);
                assertEquals(operations, textsOf(drawn.get("operations")), "the graph drawn: " + drawn);
                assertEquals(edges, drawn.get("edges").asInt(), "edges drawn: " + drawn);
                assertTrue(drawn.get("lines").asInt() >= 5, "every chart draws a line: " + drawn);
                assertTrue(drawn.get("epochs").asInt() >= 1, "epochs listed: " + drawn);
            }
            assertTrue(second.get("nodeRows").get(0).asLong() > first.get("nodeRows").get(0).asLong(),
                () -> "the source's rows did not grow on the graph: " + first + " then " + second);
            // The watermark passes on every row it takes; the two are read one after the other while rows flow.
            assertTrue(Math.abs(second.get("nodeRows").get(1).asLong() - second.get("nodeRows").get(0).asLong()) <
                5_000, "the watermark passes on every row: " + second);
            assertFalse(first.get("recordsIn").asText().equals(second.get("recordsIn").asText()),
                () -> "records in did not move: " + first + " then " + second);
            assertFalse(first.get("committedEpoch").asText().equals(second.get("committedEpoch").asText()),
                () -> "the committed epoch did not move: " + first + " then " + second);
            assertTrue(second.get("throughput").asText().matches("records in: [0-9.]+k?"),
                () -> "throughput shown: " + second);
            assertTrue(isPng(firstShot) && isPng(secondShot), "screenshots are PNG images");
            assertFalse(Arrays.equals(firstShot, secondShot), "the page looks the same seconds later");
        }
        finally
        {
            assertEquals(143, child.terminate(), () -> read(stderr));
        }
    }

    private static void requireBrowser()
    {
        if (HeadlessChromium.isInstalled())
        {
            return;
        }
        final String message = "no Chromium at " + HeadlessChromium.EXECUTABLE + " (apt-get install -y chromium, " +
            "or -Dmillrace.chromium=PATH): the status page is not tested in a browser";
        if (Boolean.parseBoolean(System.getenv("MILLRACE_REQUIRE_BROWSER")))
        {
            fail(message + ", and MILLRACE_REQUIRE_BROWSER=true");
        }
        Assumptions.abort(message);
    }

    private static int awaitPort(final ChildCommand child, final Path stderr) throws Exception
    {
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (true)
        {
            assertTrue(child.isAlive() && System.nanoTime() < deadline, () -> "no status page named: " + read(stderr));
            final Matcher address = ADDRESS.matcher(read(stderr));
            if (address.find())
            {
                return Integer.parseInt(address.group(1));
            }
            Thread.sleep(20);
        }
    }

    /**
     * @return what the page shows once it has updated itself at least {@code updates} times.
     */
    private static JsonNode awaitUpdates(
        final HeadlessChromium.Page page, final int updates, final HeadlessChromium chromium) throws Exception
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (true)
        {
            final JsonNode drawn = page.evaluate(READ);
            if (drawn.get("updates").asInt() >= updates && drawn.get("epochs").asInt() > 0)
            {
                return drawn;
            }
            assertTrue(System.nanoTime() < deadline, () -> "the page did not update " + updates + " times: " +
                drawn + "\n" + chromium.output());
            Thread.sleep(100);
        }
    }

    private static JsonNode status(final int port) throws Exception
    {
        final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/status")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return JSON.readTree(response.body());
    }

    private static List<String> textsOf(final JsonNode array)
    {
        final List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    private static byte[] keep(final byte[] png, final String name) throws IOException
    {
        final Path kept = Path.of("target", "status-page");
        Files.createDirectories(kept);
        Files.write(kept.resolve(name), png);
        return png;
    }

    private static boolean isPng(final byte[] bytes)
    {
        return bytes.length > 8 && bytes[0] == (byte)0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G';
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.exists(file) ? Files.readString(file) : "";
        }
        catch (final IOException ex)
        {
            return ex.toString();
        }
    }
}
