package io.millrace.internal;

import io.millrace.checkpoint.Journal;
import io.millrace.checkpoint.Recovery;

/**
 * How a query with a checkpoint runs: its journal, whether its input is journaled, and what it recovered.
 *
 * @param journal      the query's journal.
 * @param journalInput whether records are journaled before they are processed.
 * @param recovery     what the journal said at start.
 */
public record Checkpointing(Journal journal, boolean journalInput, Recovery recovery)
{
}
