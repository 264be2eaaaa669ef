package io.millrace.internal.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Serves the figures of the queries that asked for it, on the loopback address only, with the JDK's HTTP server on a
 * thread of its own: in the Prometheus text exposition format (version 0.0.4) at {@code /metrics}, and as a live
 * status page at {@code /} that polls {@code /api/status} ({@link StatusApi}). Queries of one JVM that name the same
 * port share one endpoint, each sample labelled with its query's name; the endpoint closes when the last of them
 * ends. Everything is read from the counters where their owning threads publish them: it costs the queries nothing
 * and allocates only on the endpoint's threads, the HTTP thread and a sampling thread that keeps each query's
 * figures of the last minutes once a second.
 */
public final class MetricsEndpoint
{
    /** The content type of the text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String PAGE = "status.html";
    private static final String SERVICE_TIME = "millrace_service_time_seconds";
    private static final String OPERATION_ROWS = "millrace_operation_rows_out_total";
    private static final String OPERATION_STATE_ROWS = "millrace_operation_state_rows";
    private static final String OPERATION_STATE_BYTES = "millrace_operation_state_bytes";
    private static final long SAMPLE_INTERVAL_NANOS = 1_000_000_000L;

    private static final Map<Integer, MetricsEndpoint> OPEN = new HashMap<>();

    private final HttpServer server;
    private final List<StatusApi.Query> queries = new CopyOnWriteArrayList<>();
    private final Thread sampler;
    private volatile boolean closed;

    /** A query's place on an endpoint; closing it takes the query off, and the last closes the endpoint. */
    public final class Registration implements AutoCloseable
    {
        private final StatusApi.Query query;

        private Registration(final StatusApi.Query query)
        {
            this.query = query;
        }

        /**
         * @return the port the endpoint listens on (the one chosen when 0 was asked for).
         */
        public int port()
        {
            return server.getAddress().getPort();
        }

        @Override
        public void close()
        {
            synchronized (MetricsEndpoint.class)
            {
                queries.remove(query);
                if (queries.isEmpty())
                {
                    closed = true;
                    sampler.interrupt();
                    server.stop(0);
                    OPEN.remove(port(), MetricsEndpoint.this);
                }
            }
        }
    }

    private MetricsEndpoint(final int port)
    {
        try
        {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot serve metrics on 127.0.0.1:" + port + ": " + ex.getMessage(), ex);
        }
        server.createContext("/metrics", this::scrape);
        server.createContext("/api/status", exchange -> respond(exchange, "application/json; charset=utf-8",
            () -> StatusApi.json(queries, System.currentTimeMillis())));
        server.createContext("/", this::page);
        server.setExecutor(null);
        sampler = new Thread(this::sample, "millrace-metrics-sampler-" + port);
        sampler.setDaemon(true);
        server.start();
        sampler.start();
    }

    /**
     * Samples every query once a second for the status page's charts, until the endpoint closes.
     */
    private void sample()
    {
        long next = System.nanoTime();
        while (!closed)
        {
            for (final StatusApi.Query query : queries)
            {
                query.history().sample(System.currentTimeMillis());
            }
            next += SAMPLE_INTERVAL_NANOS;
            LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
        }
    }

    /**
     * Serves a query's figures, on the endpoint of its port (started now if it is the first query there).
     *
     * @param port     to listen on, on 127.0.0.1; 0 for one the system picks (an endpoint of its own, which later
     *                 queries can share by naming the port it got).
     * @param name     of the query: the {@code query} label of its samples.
     * @param counters of the query.
     * @param graph    of the query with each operation's figures, drawn on the status page.
     * @return the registration, to close when the query has ended.
     * @throws IllegalStateException when the port cannot be bound, naming it.
     */
    public static synchronized Registration register(
        final int port, final String name, final QueryCounters counters, final GraphFigures graph)
    {
        MetricsEndpoint endpoint = port == 0 ? null : OPEN.get(port);
        if (null == endpoint)
        {
            endpoint = new MetricsEndpoint(port);
            OPEN.put(endpoint.server.getAddress().getPort(), endpoint);
        }
        final StatusApi.Query query = new StatusApi.Query(name, counters, graph, new QueryHistory(counters));
        query.history().sample(System.currentTimeMillis());
        endpoint.queries.add(query);
        return endpoint.new Registration(query);
    }

    private void scrape(final HttpExchange exchange) throws IOException
    {
        respond(exchange, CONTENT_TYPE, () -> text(queries));
    }

    /**
     * Serves the status page at {@code /} alone: any other path not served is not found.
     */
    private void page(final HttpExchange exchange) throws IOException
    {
        if (!"/".equals(exchange.getRequestURI().getPath()))
        {
            try (exchange)
            {
                exchange.sendResponseHeaders(404, -1);
            }
            return;
        }
        respond(exchange, "text/html; charset=utf-8", MetricsEndpoint::readPage);
    }

    private static String readPage()
    {
        try (InputStream in = MetricsEndpoint.class.getResourceAsStream(PAGE))
        {
            if (null == in)
            {
                throw new IllegalStateException("the status page " + PAGE + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the status page: " + ex.getMessage(), ex);
        }
    }

    /**
     * Answers a GET or HEAD with a body made now, anything else with 405.
     */
    private static void respond(final HttpExchange exchange, final String contentType, final Supplier<String> body)
        throws IOException
    {
        try (exchange)
        {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod()))
            {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            final byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, "HEAD".equals(exchange.getRequestMethod()) ? -1 : bytes.length);
            if (!"HEAD".equals(exchange.getRequestMethod()))
            {
                try (OutputStream out = exchange.getResponseBody())
                {
                    out.write(bytes);
                }
            }
        }
    }

    /**
     * @return the figures of the queries in the text exposition format: for each metric its help and type lines,
     *         then a sample per query; times (the watermark, the last commit) in seconds, and only once there is
     *         one; last the service time, a summary.
     */
    private static String text(final List<StatusApi.Query> queries)
    {
        final StringBuilder text = new StringBuilder(2048);
        for (final QueryFigure figure : QueryFigure.values())
        {
            family(text, figure.metric(), figure.type(), figure.help());
            for (final StatusApi.Query query : queries)
            {
                final long value = figure.of(query.counters());
                if (!figure.isTimestamp())
                {
                    sample(text, figure.metric(), query.name()).append(value).append('\n');
                }
                else if (figure.isSet(value))
                {
                    sample(text, figure.metric(), query.name()).append(value / 1000.0).append('\n');
                }
            }
        }
        appendServiceTime(text, queries);
        appendOperations(text, queries);
        return text.toString();
    }

    /**
     * Each operation's figures, labelled with its node's id and its operation as the plan prints it: the rows it
     * passed on (for an input, the rows taken from it) and the state of those that count theirs.
     */
    private static void appendOperations(final StringBuilder text, final List<StatusApi.Query> queries)
    {
        family(text, OPERATION_ROWS, "counter", "Rows an operation of the query passed on; for an input, the rows " +
            "the operators took from it.");
        for (final StatusApi.Query query : queries)
        {
            for (final QueryGraph.Node node : query.graph().graph().nodes())
            {
                final long rows = query.graph().rowsOut(node.id());
                if (rows >= 0)
                {
                    operationSample(text, OPERATION_ROWS, query.name(), node).append(rows).append('\n');
                }
            }
        }
        family(text, OPERATION_STATE_ROWS, "gauge", "Rows an operation of the query holds in state.");
        family(text, OPERATION_STATE_BYTES, "gauge", "Off-heap bytes of an operation's state.");
        for (final StatusApi.Query query : queries)
        {
            for (final QueryGraph.Node node : query.graph().graph().nodes())
            {
                if (query.graph().countsState(node.id()))
                {
                    operationSample(text, OPERATION_STATE_ROWS, query.name(), node)
                        .append(query.graph().stateRows(node.id())).append('\n');
                    operationSample(text, OPERATION_STATE_BYTES, query.name(), node)
                        .append(query.graph().stateBytes(node.id())).append('\n');
                }
            }
        }
    }

    private static void family(final StringBuilder text, final String metric, final String type, final String help)
    {
        text.append("# HELP ").append(metric).append(' ').append(help).append('\n');
        text.append("# TYPE ").append(metric).append(' ').append(type).append('\n');
    }

    private static StringBuilder operationSample(
        final StringBuilder text, final String metric, final String queryName, final QueryGraph.Node node)
    {
        text.append(metric).append("{query=");
        labelValue(text, queryName);
        text.append(",node=\"").append(node.id()).append("\",operation=");
        labelValue(text, node.operation());
        return text.append("} ");
    }

    /**
     * The service time as a summary: the quantiles of the last complete epoch (NaN before one was timed), and the
     * count and sum of every timed record so far.
     */
    private static void appendServiceTime(final StringBuilder text, final List<StatusApi.Query> queries)
    {
        family(text, SERVICE_TIME, "summary", "Time from the operator thread taking a record to the sinks having its " +
            "rows, one record in 64 timed; quantiles of the last complete epoch.");
        final long[] epoch = new long[EpochFigures.FIELDS];
        for (final StatusApi.Query query : queries)
        {
            final QueryCounters counters = query.counters();
            final long durable = counters.epochs.durableEpoch();
            final boolean timed = durable > 0 && counters.epochs.read(durable, epoch) &&
                epoch[EpochFigures.SERVICE_COUNT] > 0;
            final int[] fields = {EpochFigures.SERVICE_P50, EpochFigures.SERVICE_P99, EpochFigures.SERVICE_P999};
            final String[] quantiles = {"0.5", "0.99", "0.999"};
            for (int i = 0; i < fields.length; i++)
            {
                sample(text, SERVICE_TIME, query.name(), "quantile", quantiles[i])
                    .append(timed ? Double.toString(epoch[fields[i]] / 1e9) : "NaN").append('\n');
            }
            sample(text, SERVICE_TIME + "_sum", query.name(), null, null)
                .append(counters.serviceTimeSumNanos.get() / 1e9).append('\n');
            sample(text, SERVICE_TIME + "_count", query.name(), null, null)
                .append(counters.serviceTimeCount.get()).append('\n');
        }
    }

    private static StringBuilder sample(final StringBuilder text, final String metric, final String queryName)
    {
        return sample(text, metric, queryName, null, null);
    }

    /**
     * Starts a sample: its name and labels, the query's and optionally one more, and the space before the value.
     */
    private static StringBuilder sample(
        final StringBuilder text, final String metric, final String queryName, final String label, final String value)
    {
        text.append(metric).append("{query=");
        labelValue(text, queryName);
        if (null != label)
        {
            text.append(',').append(label).append('=');
            labelValue(text, value);
        }
        return text.append("} ");
    }

    /**
     * Writes a label's value quoted, escaped as the text format asks.
     */
    private static void labelValue(final StringBuilder text, final String value)
    {
        text.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '\\' -> text.append("\\\\");
                case '"' -> text.append("\\\"");
                case '\n' -> text.append("\\n");
                default -> text.append(c);
            }
        }
        text.append('"');
    }
}
