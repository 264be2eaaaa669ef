package io.millrace.internal.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Serves the figures of the queries that asked for it in the Prometheus text exposition format (version 0.0.4) at
 * {@code /metrics}, on the loopback address only, with the JDK's HTTP server on a thread of its own. Queries
 * of one JVM that name the same port share one endpoint, each sample labelled with its query's name; the endpoint
 * closes when the last of them ends. A scrape reads the counters where their owning threads publish them: it costs
 * the queries nothing and allocates only on the scraping thread.
 */
public final class MetricsEndpoint
{
    /** The content type of the text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Map<Integer, MetricsEndpoint> OPEN = new HashMap<>();

    private final HttpServer server;
    private final List<Query> queries = new CopyOnWriteArrayList<>();

    /** A query served. */
    private record Query(String name, QueryCounters counters)
    {
    }

    /** A query's place on an endpoint; closing it takes the query off, and the last closes the endpoint. */
    public final class Registration implements AutoCloseable
    {
        private final Query query;

        private Registration(final Query query)
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
        server.setExecutor(null);
        server.start();
    }

    /**
     * Serves a query's figures, on the endpoint of its port (started now if it is the first query there).
     *
     * @param port     to listen on, on 127.0.0.1; 0 for one the system picks (an endpoint of its own, which later
     *                 queries can share by naming the port it got).
     * @param name     of the query: the {@code query} label of its samples.
     * @param counters of the query.
     * @return the registration, to close when the query has ended.
     * @throws IllegalStateException when the port cannot be bound, naming it.
     */
    public static synchronized Registration register(final int port, final String name, final QueryCounters counters)
    {
        MetricsEndpoint endpoint = port == 0 ? null : OPEN.get(port);
        if (null == endpoint)
        {
            endpoint = new MetricsEndpoint(port);
            OPEN.put(endpoint.server.getAddress().getPort(), endpoint);
        }
        final Query query = new Query(name, counters);
        endpoint.queries.add(query);
        return endpoint.new Registration(query);
    }

    private void scrape(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod()))
            {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            final byte[] body = text(queries).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(200, "HEAD".equals(exchange.getRequestMethod()) ? -1 : body.length);
            if (!"HEAD".equals(exchange.getRequestMethod()))
            {
                try (OutputStream out = exchange.getResponseBody())
                {
                    out.write(body);
                }
            }
        }
    }

    /**
     * @return the figures of the queries in the text exposition format: for each metric its help and type lines,
     *         then a sample per query; the watermark in seconds, and only once there is one.
     */
    private static String text(final List<Query> queries)
    {
        final StringBuilder text = new StringBuilder(2048);
        for (final QueryFigure figure : QueryFigure.values())
        {
            text.append("# HELP ").append(figure.metric()).append(' ').append(figure.help()).append('\n');
            text.append("# TYPE ").append(figure.metric()).append(' ').append(figure.type()).append('\n');
            for (final Query query : queries)
            {
                final long value = figure.of(query.counters());
                if (figure != QueryFigure.WATERMARK)
                {
                    sample(text, figure.metric(), query.name()).append(value).append('\n');
                }
                else if (value != Long.MIN_VALUE && value != Long.MAX_VALUE)
                {
                    sample(text, figure.metric(), query.name()).append(value / 1000.0).append('\n');
                }
            }
        }
        return text.toString();
    }

    private static StringBuilder sample(final StringBuilder text, final String metric, final String queryName)
    {
        text.append(metric).append("{query=\"");
        for (int i = 0; i < queryName.length(); i++)
        {
            final char c = queryName.charAt(i);
            switch (c)
            {
                case '\\' -> text.append("\\\\");
                case '"' -> text.append("\\\"");
                case '\n' -> text.append("\\n");
                default -> text.append(c);
            }
        }
        return text.append("\"} ");
    }
}
