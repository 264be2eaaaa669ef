package io.millrace.internal.metrics;

import java.util.List;

/**
 * The JSON the status page polls ({@code /api/status}): for each query on the endpoint its name, dataflow graph,
 * each operation's figures ({@link GraphFigures}), the query's figures now, samples of the last minutes
 * ({@link QueryHistory}) and its last {@link #EPOCHS} complete epochs.
 * Built on the HTTP thread from what the query's threads publish.
 */
final class StatusApi
{
    /** Epochs listed per query. */
    static final int EPOCHS = 30;

    private StatusApi()
    {
    }

    /** A query as the status page shows it. */
    record Query(String name, QueryCounters counters, GraphFigures graph, QueryHistory history)
    {
    }

    /**
     * @param queries on the endpoint.
     * @param nowMs   wall-clock time, epoch ms.
     * @return {@code {"time":..,"queries":[{"name":..,"graph":{..},"operators":[..],"figures":{..},"history":[..],
     *         "epochs":[..]}]}}.
     */
    static String json(final List<Query> queries, final long nowMs)
    {
        final StringBuilder json = new StringBuilder(16 * 1024).append("{\"time\":").append(nowMs)
            .append(",\"queries\":[");
        final long[] current = new long[EpochFigures.FIELDS];
        final long[] previous = new long[EpochFigures.FIELDS];
        for (int q = 0; q < queries.size(); q++)
        {
            final Query query = queries.get(q);
            json.append(q == 0 ? "{\"name\":" : ",{\"name\":");
            Json.quote(json, query.name());
            json.append(",\"graph\":");
            query.graph().graph().appendJson(json);
            json.append(",\"operators\":");
            query.graph().appendJson(json);
            json.append(",\"figures\":{");
            for (final QueryFigure figure : QueryFigure.values())
            {
                final long value = figure.of(query.counters());
                json.append(figure.ordinal() == 0 ? "\"" : ",\"").append(figure.metric()).append("\":");
                if (!figure.isSet(value))
                {
                    json.append("null");
                }
                else
                {
                    json.append(value);
                }
            }
            json.append("},\"history\":");
            query.history().appendJson(json);
            json.append(",\"epochs\":");
            appendEpochs(json, query.counters().epochs, current, previous);
            json.append('}');
        }
        return json.append("]}").toString();
    }

    /**
     * The last complete epochs, oldest first: each one's cut time, records (null when the epoch before it is not
     * held: the first of a restarted run, or overwritten), the marker's time through the operators and the commit's stages, and
     * its service-time percentiles.
     */
    private static void appendEpochs(
        final StringBuilder json, final EpochFigures figures, final long[] current, final long[] previous)
    {
        json.append('[');
        final long last = figures.durableEpoch();
        boolean first = true;
        boolean previousRead = false;
        for (long epoch = Math.max(1, last - EPOCHS); epoch <= last; epoch++)
        {
            if (!figures.read(epoch, current))
            {
                previousRead = false;
                continue;
            }
            // One epoch before those listed is read for the records of the first.
            if (epoch > last - EPOCHS)
            {
                json.append(first ? "{" : ",{").append("\"epoch\":").append(epoch)
                    .append(",\"cutTime\":").append(current[EpochFigures.CUT_TIME])
                    .append(",\"records\":").append(previousRead ?
                        Long.toString(current[EpochFigures.RECORDS] - previous[EpochFigures.RECORDS]) :
                        epoch == 1 ? Long.toString(current[EpochFigures.RECORDS]) : "null")
                    .append(",\"markerNanos\":").append(current[EpochFigures.MARKER_TIME])
                    .append(",\"commitWaitNanos\":").append(current[EpochFigures.COMMIT_WAIT])
                    .append(",\"snapshotCopyNanos\":").append(current[EpochFigures.SNAPSHOT_COPY])
                    .append(",\"commitWriteNanos\":").append(current[EpochFigures.COMMIT_WRITE])
                    .append(",\"commitForceNanos\":").append(current[EpochFigures.COMMIT_FORCE])
                    .append(",\"serviceP50Nanos\":").append(current[EpochFigures.SERVICE_P50])
                    .append(",\"serviceP99Nanos\":").append(current[EpochFigures.SERVICE_P99])
                    .append('}');
                first = false;
            }
            System.arraycopy(current, 0, previous, 0, EpochFigures.FIELDS);
            previousRead = true;
        }
        json.append(']');
    }
}
