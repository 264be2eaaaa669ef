package io.millrace.internal.metrics;

/**
 * A running query's figures as JMX attributes, registered as {@code io.millrace:type=Query,name=<query>,id=<n>}
 * (the id tells apart queries of one name) while the query runs: the same figures as the Prometheus endpoint.
 */
public interface QueryMetricsMBean
{
    /**
     * @return records the query's sources published.
     */
    long getRecordsIn();

    /**
     * @return rows the query's sinks received.
     */
    long getRecordsOut();

    /**
     * @return records sent to the dead-letter output.
     */
    long getDeadLetters();

    /**
     * @return records all of whose windows were closed.
     */
    long getLateRecords();

    /**
     * @return contributions of records to windows already closed.
     */
    long getDroppedContributions();

    /**
     * @return rows held in state.
     */
    long getStateRows();

    /**
     * @return off-heap bytes held in state.
     */
    long getStateBytes();

    /**
     * @return the last epoch the sinks committed, 0 before the first.
     */
    long getCommittedEpoch();

    /**
     * @return when the last epoch became durable, epoch ms; 0 before the first.
     */
    long getLastCommit();

    /**
     * @return times the ingress ring was full and the producer had to wait.
     */
    long getBackPressure();

    /**
     * @return slots of the ingress ring published and not yet taken by the operators.
     */
    long getRingSlotsUsed();

    /**
     * @return the event-time watermark, epoch ms; {@link Long#MIN_VALUE} before there is one.
     */
    long getWatermark();
}
