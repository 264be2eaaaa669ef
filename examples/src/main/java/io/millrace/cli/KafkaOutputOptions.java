package io.millrace.cli;

import io.millrace.kafka.Delivery;
import io.millrace.kafka.KafkaSink;
import io.millrace.sink.Sink;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Writing a query's rows to a Kafka topic instead of standard output or part files.
 */
final class KafkaOutputOptions
{
    @Option(names = "--kafka-bootstrap", paramLabel = "HOST:PORT",
        description = "Kafka cluster to write to (with --output-topic); HOST:PORT[,HOST:PORT...].")
    private String bootstrap;

    @Option(names = "--output-topic", paramLabel = "TOPIC",
        description = "Write each row to this existing Kafka topic as one record: the row's CSV line as value, its " +
            "key columns as key, its (epoch, sequence) id in headers millrace.epoch and millrace.sequence.")
    private String topic;

    @Option(names = "--delivery", paramLabel = "MODE", defaultValue = "exactly-once",
        description = "exactly-once (default): each epoch's rows in one Kafka transaction committed with the epoch, " +
            "visible to read_committed readers then; at-least-once: rows sent at once, sent again after a crash " +
            "with the same ids, for readers that drop ids they have seen.")
    private String delivery;

    @Option(names = "--transactional-id", paramLabel = "ID",
        description = "Names this output in Kafka (the producer's transactional.id; default millrace-<topic>): two " +
            "queries writing to one topic need different ids, a restart needs the same.")
    private String transactionalId;

    /**
     * @param spec of the command, for errors.
     * @param durable the command's other output options.
     * @throws CommandLine.ParameterException when the options do not go together.
     */
    void check(final CommandLine.Model.CommandSpec spec, final DurableOutputOptions durable)
    {
        if (null == topic)
        {
            if (null != bootstrap || null != transactionalId)
            {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "--kafka-bootstrap and --transactional-id go with --output-topic");
            }
            return;
        }
        if (null == bootstrap)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--output-topic needs --kafka-bootstrap " +
                "HOST:PORT");
        }
        if (durable.toFiles())
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--output and --output-topic are two " +
                "places for the same rows: give one");
        }
        delivery(spec);
    }

    /**
     * @return whether rows go to Kafka.
     */
    boolean enabled()
    {
        return null != topic;
    }

    /**
     * @param spec       of the command, for errors.
     * @param keyColumns of the rows, making up each record's key.
     * @return the sink writing to the topic.
     */
    Sink sink(final CommandLine.Model.CommandSpec spec, final List<String> keyColumns)
    {
        final KafkaSink.Builder builder = KafkaSink.builder(bootstrap, topic).delivery(delivery(spec))
            .keyColumns(keyColumns);
        if (null != transactionalId)
        {
            builder.id(transactionalId);
        }
        return builder.build();
    }

    /**
     * Adds these options to a query's identity: where the rows go is part of the exactly-once contract. The cluster's
     * address is not: a restart may reach it by another name.
     *
     * @param args the identity's arguments so far.
     */
    void addIdentity(final List<String> args)
    {
        if (null != topic)
        {
            args.addAll(List.of("--output-topic", topic, "--delivery", delivery.toLowerCase(Locale.ROOT)));
            if (null != transactionalId)
            {
                args.addAll(List.of("--transactional-id", transactionalId));
            }
        }
    }

    private Delivery delivery(final CommandLine.Model.CommandSpec spec)
    {
        switch (delivery.toLowerCase(Locale.ROOT))
        {
            case "exactly-once":
                return Delivery.EXACTLY_ONCE;
            case "at-least-once":
                return Delivery.AT_LEAST_ONCE;
            default:
                throw new CommandLine.ParameterException(spec.commandLine(), "--delivery must be exactly-once or " +
                    "at-least-once, not '" + delivery + "'");
        }
    }
}
