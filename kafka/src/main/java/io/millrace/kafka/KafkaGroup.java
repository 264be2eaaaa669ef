package io.millrace.kafka;

import io.millrace.StreamingQuery;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Runs one query per partition of a Kafka topic, for the partitions Kafka's group coordinator gives this process
 * among the members of a consumer group: several processes (on several machines) started with the same group split
 * the partitions, and when one dies or joins, partitions move (docs/kafka.md).
 * <p>
 * Each partition's query keeps its checkpoint in partition {@code p} of the state topic {@code <group>.state}
 * ({@link KafkaCheckpoint}, created compacted when missing), under the transactional id
 * {@code <group>-<topic>-<p>}: whoever runs partition {@code p} next restores that checkpoint, wherever it runs, and
 * its taking over the id fences a member that still believes it owns the partition (a process paused past its
 * session), whose query then stops.
 * <p>
 * The group is used for membership only: this process's consumer pauses every partition it is given and fetches
 * nothing; each partition's query reads its partition itself. Cooperative sticky assignment moves only the partitions
 * that must move. A member found dead after the session timeout loses its partitions to the others.
 */
public final class KafkaGroup
{
    /** Starts the query of one partition, with that partition's checkpoint. */
    @FunctionalInterface
    public interface PartitionQuery
    {
        /**
         * @param partition  of the input topic the query reads, alone.
         * @param checkpoint the partition's checkpoint: the query's journal, and the checkpoint its Kafka sinks
         *                   write with.
         * @return the query, started.
         */
        StreamingQuery start(int partition, KafkaCheckpoint checkpoint);
    }

    private static final Duration POLL = Duration.ofMillis(100);

    private final String bootstrap;
    private final String topic;
    private final String group;
    private final Duration sessionTimeout;
    private final Map<String, Object> properties;
    private final PrintStream log;
    private final Map<Integer, Running> running = new TreeMap<>();
    private volatile boolean stopping;
    /** A partition's query that could not start: {@link #run} ends with it after the poll that assigned it. */
    private RuntimeException startFailure;

    private record Running(StreamingQuery query, KafkaCheckpoint checkpoint)
    {
    }

    private KafkaGroup(final Builder builder)
    {
        this.bootstrap = builder.bootstrap;
        this.topic = builder.topic;
        this.group = builder.group;
        this.sessionTimeout = builder.sessionTimeout;
        this.properties = Map.copyOf(builder.properties);
        this.log = builder.log;
    }

    /**
     * @param bootstrap {@code HOST:PORT[,HOST:PORT…]} of the Kafka cluster.
     * @param topic     the input topic.
     * @param group     the consumer group the processes of this query share.
     * @return a builder.
     */
    public static Builder builder(final String bootstrap, final String topic, final String group)
    {
        return new Builder(bootstrap, topic, group);
    }

    /**
     * @return the state topic: {@code <group>.state}.
     */
    public String stateTopic()
    {
        return group + ".state";
    }

    /**
     * Joins the group and runs the queries of the partitions it gives this process, on the caller's thread, until
     * {@link #stop()}, or with {@code untilFinished} until every query this process runs has finished its input.
     *
     * @param queries       starts a partition's query.
     * @param untilFinished whether to leave the group once every query this process runs has finished.
     * @throws IllegalStateException when a partition's query fails other than by being fenced.
     */
    public void run(final PartitionQuery queries, final boolean untilFinished)
    {
        final ClusterQueries cluster = new ClusterQueries(bootstrap, properties);
        final int partitions = cluster.partitions(topic);
        if (cluster.createCompacted(stateTopic(), partitions))
        {
            log.println("created compacted state topic " + stateTopic() + " with " + partitions + " partitions");
        }
        try (KafkaConsumer<byte[], byte[]> member = new KafkaConsumer<>(memberConfig()))
        {
            member.subscribe(List.of(topic), new ConsumerRebalanceListener()
            {
                @Override
                public void onPartitionsRevoked(final Collection<TopicPartition> revoked)
                {
                    stopAll(revoked, "moved to another member");
                }

                @Override
                public void onPartitionsLost(final Collection<TopicPartition> lost)
                {
                    stopAll(lost, "lost: this member missed its session");
                }

                @Override
                public void onPartitionsAssigned(final Collection<TopicPartition> assigned)
                {
                    member.pause(assigned);
                    for (final TopicPartition partition : assigned)
                    {
                        try
                        {
                            start(queries, partition.partition());
                        }
                        catch (final RuntimeException ex)
                        {
                            // Thrown from here, Kafka's consumer would log it with its trace before passing it on.
                            startFailure = ex;
                            return;
                        }
                    }
                }
            });
            try
            {
                while (!stopping)
                {
                    member.poll(POLL);
                    if (null != startFailure)
                    {
                        throw startFailure;
                    }
                    if (checkQueries() && untilFinished)
                    {
                        log.println("every partition this member runs has finished: leaving group " + group);
                        break;
                    }
                }
            }
            finally
            {
                // Before the consumer leaves the group, which would report the partitions as revoked.
                for (final Running task : running.values())
                {
                    stop(task);
                }
                running.clear();
            }
        }
    }

    /**
     * Makes {@link #run} return soon, stopping the queries where they are (their open epochs are not committed).
     * Any thread.
     */
    public void stop()
    {
        stopping = true;
    }

    private void start(final PartitionQuery queries, final int partition)
    {
        final KafkaCheckpoint checkpoint = KafkaCheckpoint.builder(bootstrap, stateTopic(), partition)
            .id(group + "-" + topic + "-" + partition)
            .consumedOffsets(group, new TopicPartition(topic, partition))
            .properties(properties)
            .build();
        final StreamingQuery query;
        try
        {
            query = queries.start(partition, checkpoint);
        }
        catch (final RuntimeException ex)
        {
            checkpoint.close();
            throw ex;
        }
        running.put(partition, new Running(query, checkpoint));
        final long epoch = checkpoint.restoredEpoch();
        log.println("partition " + partition + ": " + (epoch == 0 ? "started afresh" :
            "restored epoch " + epoch + " from " + stateTopic() + ", reading from offset " +
            checkpoint.restoredOffset()));
    }

    private void stopAll(final Collection<TopicPartition> partitions, final String why)
    {
        for (final TopicPartition partition : partitions)
        {
            final Running task = running.remove(partition.partition());
            if (null != task)
            {
                stop(task);
                log.println("partition " + partition.partition() + ": stopped, " + why);
            }
        }
    }

    /**
     * @return whether every query this member runs has finished, and there is one.
     * @throws IllegalStateException when a query failed other than by being fenced.
     */
    private boolean checkQueries()
    {
        boolean finished = !running.isEmpty();
        for (final var iterator = running.entrySet().iterator(); iterator.hasNext(); )
        {
            final Map.Entry<Integer, Running> entry = iterator.next();
            final StreamingQuery query = entry.getValue().query();
            final Throwable error = query.lastError();
            if (null != error)
            {
                iterator.remove();
                stop(entry.getValue());
                if (!KafkaSink.isFencing(error))
                {
                    throw new IllegalStateException("the query of partition " + entry.getKey() + " failed: " +
                        error.getMessage(), error);
                }
                log.println("partition " + entry.getKey() + ": stopped, another member took it over");
                continue;
            }
            finished &= query.isFinished();
        }
        return finished;
    }

    private static void stop(final Running task)
    {
        task.query().stop();
        task.checkpoint().close();
    }

    private Map<String, Object> memberConfig()
    {
        final Map<String, Object> config = new HashMap<>(properties);
        config.keySet().retainAll(ConsumerConfig.configNames());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int)sessionTimeout.toMillis());
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int)Math.max(100, sessionTimeout.toMillis() / 6));
        return config;
    }

    /**
     * Builds a {@link KafkaGroup}.
     */
    public static final class Builder
    {
        private final String bootstrap;
        private final String topic;
        private final String group;
        private final Map<String, Object> properties = new HashMap<>();
        private Duration sessionTimeout = Duration.ofSeconds(10);
        private PrintStream log = System.err;

        private Builder(final String bootstrap, final String topic, final String group)
        {
            this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap");
            this.topic = Objects.requireNonNull(topic, "topic");
            this.group = Objects.requireNonNull(group, "group");
        }

        /**
         * @param timeout after which the coordinator takes a silent member for dead and gives its partitions to
         *                the others; within the broker's {@code group.min.session.timeout.ms} (6 s by default) and
         *                {@code group.max.session.timeout.ms}. Default 10 s.
         * @return this builder.
         */
        public Builder sessionTimeout(final Duration timeout)
        {
            this.sessionTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param log where partitions starting, restoring, moving and finishing are reported, a line each. Default
         *            standard error.
         * @return this builder.
         */
        public Builder log(final PrintStream log)
        {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        /**
         * @param name  of a Kafka client setting (security settings, say).
         * @param value of the setting.
         * @return this builder.
         */
        public Builder property(final String name, final Object value)
        {
            properties.put(name, value);
            return this;
        }

        /**
         * @return the group's runner.
         */
        public KafkaGroup build()
        {
            return new KafkaGroup(this);
        }
    }
}
