package io.millrace.cli;

import io.millrace.StreamWriter;
import io.millrace.row.Schema;
import io.millrace.sink.Sink;

/**
 * A query command whose arguments a checkpoint records (its identity), so that the journal commands can rebuild the
 * query to dump, replay or inspect it.
 */
interface RecordedQuery
{
    /**
     * Says that the options were read back from a checkpoint: the recorded inputs need not exist any more when the
     * journal holds them.
     */
    void markRecorded();

    /**
     * Builds the query these options describe, not started.
     *
     * @param sink        receiving the rows.
     * @param deadLetters receiving bad records.
     * @return the writer of the query.
     * @throws picocli.CommandLine.ParameterException when the options are inconsistent.
     */
    StreamWriter writer(Sink sink, DeadLetterLines deadLetters);

    /**
     * @return the schema of the input rows, as the journal holds them.
     */
    Schema inputSchema();
}
