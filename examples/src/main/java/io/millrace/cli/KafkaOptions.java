package io.millrace.cli;

import io.millrace.kafka.Delivery;
import io.millrace.kafka.KafkaCheckpoint;
import io.millrace.kafka.KafkaGroup;
import io.millrace.kafka.KafkaSink;
import io.millrace.kafka.KafkaSource;
import io.millrace.kafka.RecordDeserializer;
import io.millrace.row.Schema;
import io.millrace.sink.Sink;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Reading a query's input from a Kafka topic, and writing its rows to one, instead of files and standard output.
 */
final class KafkaOptions
{
    @Option(names = "--kafka-bootstrap", paramLabel = "HOST:PORT",
        description = "Kafka cluster of --input-topic and --output-topic; HOST:PORT[,HOST:PORT...].")
    private String bootstrap;

    @Option(names = "--input-partitions", paramLabel = "N",
        description = "With --input-topic: how many partitions the topic has (default: asked of the cluster; a " +
            "different number is refused). A checkpoint records it, so a topic that gained partitions is refused.")
    private Integer inputPartitions;

    @Option(names = "--bounded",
        description = "With --input-topic: read the records the topic holds when the query starts, then end, as " +
            "a file does (every open window is then written).")
    private boolean bounded;

    @Option(names = "--group", paramLabel = "ID",
        description = "With --input-topic and --output-topic: run as a member of consumer group ID. The members " +
            "(processes, on any machines) split the topic's partitions and run a query for each; each partition's " +
            "checkpoint is kept in Kafka, in compacted topic ID.state, so a partition moves to another member when " +
            "its member dies or a member joins. Each partition has a watermark of its own.")
    private String group;

    @Option(names = "--session-timeout", paramLabel = "DUR", converter = Durations.class, defaultValue = "10s",
        description = "With --group: how long a member may be silent before the others take its partitions " +
            "(Kafka's session.timeout.ms; within the broker's group.min/max.session.timeout.ms). Default: 10s." +
            Durations.HELP)
    private Duration sessionTimeout;

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
     * @param spec       of the command, for errors.
     * @param durable    the command's other output options.
     * @param inputTopic the topic the command reads, or null when it reads no topic.
     * @throws CommandLine.ParameterException when the options do not go together.
     */
    void check(final CommandLine.Model.CommandSpec spec, final DurableOutputOptions durable, final String inputTopic)
    {
        if (null == inputTopic && (null != inputPartitions || bounded))
        {
            throw bad(spec, "--input-partitions and --bounded go with --input-topic");
        }
        if (null == topic && null != transactionalId)
        {
            throw bad(spec, "--transactional-id goes with --output-topic");
        }
        if (null == bootstrap && (null != topic || null != inputTopic))
        {
            throw bad(spec, (null != inputTopic ? "--input-topic" : "--output-topic") + " needs --kafka-bootstrap " +
                "HOST:PORT");
        }
        if (null != bootstrap && null == topic && null == inputTopic)
        {
            throw bad(spec, "--kafka-bootstrap goes with --input-topic or --output-topic");
        }
        if (null != topic && durable.toFiles())
        {
            throw bad(spec, "--output and --output-topic are two places for the same rows: give one");
        }
        if (null != group)
        {
            if (null == inputTopic || null == topic)
            {
                throw bad(spec, "--group needs --input-topic and --output-topic");
            }
            if (durable.checkpointed())
            {
                throw bad(spec, "--group keeps each partition's checkpoint in Kafka topic " + group + ".state: " +
                    "leave out --checkpoint");
            }
            if (null != transactionalId || null != inputPartitions)
            {
                throw bad(spec, "--group names each partition's transactional id " + group + "-" + inputTopic +
                    "-<partition> and reads every partition: leave out " + (null != transactionalId ?
                    "--transactional-id" : "--input-partitions"));
            }
            if (delivery(spec) != Delivery.EXACTLY_ONCE)
            {
                throw bad(spec, "--group commits each epoch's rows with its state in one transaction: only " +
                    "--delivery exactly-once goes with it");
            }
        }
        if (null != inputPartitions && inputPartitions < 1)
        {
            throw bad(spec, "--input-partitions must be at least 1");
        }
        delivery(spec);
    }

    /**
     * @return the cluster's {@code HOST:PORT} list, null when not given.
     */
    String bootstrap()
    {
        return bootstrap;
    }

    /**
     * @return whether the query runs as a member of a consumer group, a query per partition it is given.
     */
    boolean grouped()
    {
        return null != group;
    }

    /**
     * @param inputTopic the topic read.
     * @param err        where the members' partitions are reported.
     * @return the runner of this process's partitions.
     */
    KafkaGroup group(final String inputTopic, final PrintStream err)
    {
        return KafkaGroup.builder(bootstrap, inputTopic, group).sessionTimeout(sessionTimeout).log(err).build();
    }

    /**
     * @param inputTopic    to read.
     * @param fields        of each record's value, a CSV line.
     * @param maxRecordSize longest value accepted.
     * @param partition     the one partition to read.
     * @return the source of a grouped query.
     */
    KafkaSource partitionSource(
        final String inputTopic, final Schema fields, final int maxRecordSize, final int partition)
    {
        final KafkaSource.Builder builder = KafkaSource.builder(bootstrap, inputTopic, RecordDeserializer.csv(fields))
            .maxRecordSize(maxRecordSize);
        if (bounded)
        {
            builder.bounded();
        }
        return builder.partition(partition);
    }

    /**
     * @param keyColumns of the rows, making up each record's key.
     * @param checkpoint of a grouped query's partition, whose transactions carry the rows.
     * @return the sink of a grouped query.
     */
    Sink groupSink(final List<String> keyColumns, final KafkaCheckpoint checkpoint)
    {
        return KafkaSink.builder(bootstrap, topic).keyColumns(keyColumns).checkpoint(checkpoint).build();
    }

    /**
     * @return whether the input is read to where it was when the query started, then ends.
     */
    boolean bounded()
    {
        return bounded;
    }

    /**
     * @return whether rows go to Kafka.
     */
    boolean writesTopic()
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
     * @param inputTopic    to read.
     * @param fields        makes a row of each record's value.
     * @param maxRecordSize longest value accepted.
     * @param recorded      whether the options were read back from a checkpoint, which recorded the partitions.
     * @param spec          of the command, for errors.
     * @return one source per partition of the topic.
     */
    List<KafkaSource> sources(
        final String inputTopic, final RecordDeserializer fields, final int maxRecordSize, final boolean recorded,
        final CommandLine.Model.CommandSpec spec)
    {
        final KafkaSource.Builder builder = KafkaSource.builder(bootstrap, inputTopic, fields)
            .maxRecordSize(maxRecordSize);
        if (bounded)
        {
            builder.bounded();
        }
        final int partitions = recorded ? inputPartitions : builder.partitionCount();
        if (!recorded && null != inputPartitions && inputPartitions != partitions)
        {
            throw bad(spec, "--input-partitions " + inputPartitions + ", but Kafka topic " + inputTopic + " has " +
                partitions + " partitions");
        }
        final List<KafkaSource> sources = new ArrayList<>();
        for (int partition = 0; partition < partitions; partition++)
        {
            sources.add(builder.partition(partition));
        }
        return sources;
    }

    /**
     * Adds the input's options to a query's identity: the cluster (offsets mean nothing on another), the topic and
     * its partitions.
     *
     * @param inputTopic the topic read.
     * @param partitions how many it has: one source each.
     * @param args       the identity's arguments so far.
     */
    void addInputIdentity(final String inputTopic, final int partitions, final List<String> args)
    {
        args.addAll(List.of("--input-topic", inputTopic, "--input-partitions", "" + partitions,
            "--kafka-bootstrap", bootstrap));
        addBounded(args);
    }

    /**
     * Adds a grouped query's input to its identity: the topic, the group, the one partition read. The cluster's
     * address is not: the checkpoint lives in that cluster, which members may reach by different names.
     *
     * @param inputTopic the topic read.
     * @param partition  the partition read.
     * @param args       the identity's arguments so far.
     */
    void addGroupIdentity(final String inputTopic, final int partition, final List<String> args)
    {
        args.addAll(List.of("--input-topic", inputTopic, "--group", group, "--partition", "" + partition));
        addBounded(args);
    }

    private void addBounded(final List<String> args)
    {
        if (bounded)
        {
            args.add("--bounded");
        }
    }

    /**
     * Adds the output's options to a query's identity: where the rows go is part of the exactly-once contract. The
     * cluster's address is not: a restart may reach it by another name.
     *
     * @param args the identity's arguments so far.
     */
    void addOutputIdentity(final List<String> args)
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
                throw bad(spec, "--delivery must be exactly-once or at-least-once, not '" + delivery + "'");
        }
    }

    private static CommandLine.ParameterException bad(final CommandLine.Model.CommandSpec spec, final String message)
    {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
