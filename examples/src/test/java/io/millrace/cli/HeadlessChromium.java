package io.millrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.millrace.testing.Checkpoints;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real headless Chromium, driven through its DevTools protocol over a WebSocket (the JDK's client): open a page,
 * evaluate JavaScript in it, take screenshots. Started with the flags a machine without a network needs, and a
 * profile of its own that is removed on close.
 */
final class HeadlessChromium implements AutoCloseable
{
    /** Where the browser is: Debian's package, or {@code millrace.chromium}. */
    static final Path EXECUTABLE = Path.of(System.getProperty("millrace.chromium", "/usr/bin/chromium"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final long TIMEOUT_SECONDS = 30;

    private final Process process;
    private final Path profile;
    private final Connection browser;
    private final StringBuffer output = new StringBuffer();

    private HeadlessChromium(final Path profile) throws Exception
    {
        this.profile = profile;
        process = new ProcessBuilder(EXECUTABLE.toString(), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--hide-scrollbars", "--remote-debugging-port=0", "--remote-allow-origins=*",
            "--user-data-dir=" + profile, "--window-size=1300,1400", "about:blank")
            .redirectErrorStream(true).start();
        final CompletableFuture<String> address = new CompletableFuture<>();
        final Thread reader = new Thread(() -> readOutput(address), "chromium-output");
        reader.setDaemon(true);
        reader.start();
        final String url;
        try
        {
            url = address.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            process.destroyForcibly();
            throw new IllegalStateException("Chromium did not open its DevTools port: " + output, ex);
        }
        browser = new Connection(url);
    }

    /**
     * @param profile an empty directory for the browser's profile.
     * @return the browser, started.
     * @throws Exception when it cannot start.
     */
    static HeadlessChromium start(final Path profile) throws Exception
    {
        return new HeadlessChromium(profile);
    }

    /**
     * @return whether the browser is installed here.
     */
    static boolean isInstalled()
    {
        return Files.isExecutable(EXECUTABLE);
    }

    /**
     * @param url to open.
     * @return a new tab showing it.
     * @throws Exception when the browser does not answer.
     */
    Page open(final String url) throws Exception
    {
        final String target = browser.call("Target.createTarget", Map.of("url", "about:blank"))
            .get("targetId").asText();
        final String pageUrl = browser.url.replaceFirst("/devtools/browser/.*$", "/devtools/page/" + target);
        final Page page = new Page(new Connection(pageUrl));
        page.connection.call("Page.enable", Map.of());
        page.connection.call("Page.navigate", Map.of("url", url));
        return page;
    }

    /**
     * @return what the browser printed so far.
     */
    String output()
    {
        return output.toString();
    }

    @Override
    public void close() throws Exception
    {
        browser.close();
        // Chromium runs its renderers and helpers as processes of their own, writing to the profile too.
        final List<ProcessHandle> processes = new ArrayList<>(process.descendants().toList());
        processes.add(process.toHandle());
        for (final ProcessHandle handle : processes)
        {
            handle.destroyForcibly();
        }
        for (final ProcessHandle handle : processes)
        {
            handle.onExit().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        Checkpoints.deleteTree(profile);
    }

    private void readOutput(final CompletableFuture<String> address)
    {
        try (BufferedReader lines = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = lines.readLine()))
            {
                output.append(line).append('\n');
                final Matcher matcher = DEVTOOLS.matcher(line);
                if (matcher.find())
                {
                    address.complete(matcher.group(1));
                }
            }
        }
        catch (final IOException ex)
        {
            address.completeExceptionally(ex);
        }
        address.completeExceptionally(new IOException("Chromium ended"));
    }

    /** A tab. */
    static final class Page
    {
        private final Connection connection;

        private Page(final Connection connection)
        {
            this.connection = connection;
        }

        /**
         * @param expression JavaScript, evaluated in the page; a promise is awaited.
         * @return its value, as JSON.
         * @throws Exception when it throws or the browser does not answer.
         */
        JsonNode evaluate(final String expression) throws Exception
        {
            final JsonNode result = connection.call("Runtime.evaluate",
                Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
            if (result.has("exceptionDetails"))
            {
                throw new IllegalStateException("'" + expression + "' failed in the page: " +
                    result.get("exceptionDetails"));
            }
            return result.get("result").path("value");
        }

        /**
         * @return a PNG of the page as it is drawn now.
         * @throws Exception when the browser does not answer.
         */
        byte[] screenshot() throws Exception
        {
            return Base64.getDecoder().decode(connection.call("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true)).get("data").asText());
        }
    }

    /** One DevTools WebSocket: commands numbered, each answered by the message of its number. */
    private static final class Connection implements WebSocket.Listener, AutoCloseable
    {
        private final String url;
        private final WebSocket socket;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final StringBuilder message = new StringBuilder();

        Connection(final String url) throws Exception
        {
            this.url = url;
            socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), this)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        JsonNode call(final String method, final Map<String, Object> params) throws Exception
        {
            final int id = ids.incrementAndGet();
            final CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            pending.put(id, answer);
            final ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
            command.set("params", JSON.valueToTree(params));
            socket.sendText(JSON.writeValueAsString(command), true).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            final JsonNode reply = answer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (reply.has("error"))
            {
                throw new IllegalStateException(method + " failed: " + reply.get("error"));
            }
            return reply.get("result");
        }

        @Override
        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            message.append(data);
            if (last)
            {
                try
                {
                    final JsonNode node = JSON.readTree(message.toString());
                    if (node.has("id"))
                    {
                        final CompletableFuture<JsonNode> answer = pending.remove(node.get("id").asInt());
                        if (null != answer)
                        {
                            answer.complete(node);
                        }
                    }
                }
                catch (final IOException ex)
                {
                    pending.values().forEach(answer -> answer.completeExceptionally(ex));
                }
                message.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(final WebSocket webSocket, final Throwable error)
        {
            pending.values().forEach(answer -> answer.completeExceptionally(error));
        }

        @Override
        public void close()
        {
            socket.abort();
        }
    }
}
