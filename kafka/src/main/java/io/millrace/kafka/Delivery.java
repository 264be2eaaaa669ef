package io.millrace.kafka;

/**
 * What a Kafka sink promises about the records it writes to its topic.
 */
public enum Delivery
{
    /**
     * Each epoch's rows are written in one Kafka transaction, committed when the epoch commits, together with the
     * number of the epoch; after a crash, epochs the topic already holds are not written again. Readers with
     * {@code isolation.level=read_committed} see every row exactly once, an epoch's rows when the epoch commits.
     */
    EXACTLY_ONCE,

    /**
     * Rows are sent as they are made, without transactions, and flushed before their epoch commits; after a crash
     * the rows of epochs that had not committed are sent again, with the same {@code (epoch, sequence)} headers and
     * values. Readers see rows sooner, and see each row exactly once when they drop ids they have seen.
     */
    AT_LEAST_ONCE
}
