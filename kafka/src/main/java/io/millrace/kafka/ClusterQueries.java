package io.millrace.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The questions the source and the sink ask a Kafka cluster before a query starts, each through a short-lived admin
 * client, each failing with an error that says what was asked and why it failed.
 */
final class ClusterQueries
{
    private static final long TIMEOUT_SECONDS = 60;

    private final String bootstrap;
    private final Map<String, Object> properties;

    /**
     * @param bootstrap  of the cluster.
     * @param properties client settings; those that apply to an admin client are used.
     */
    ClusterQueries(final String bootstrap, final Map<String, Object> properties)
    {
        this.bootstrap = bootstrap;
        this.properties = properties;
    }

    /**
     * @param topic that must exist.
     * @return how many partitions it has.
     * @throws IllegalStateException naming the topic when it does not exist, or when the cluster does not answer.
     */
    int partitions(final String topic)
    {
        try (Admin admin = admin())
        {
            final TopicDescription description = answer(admin.describeTopics(Set.of(topic)).allTopicNames(),
                "cannot describe Kafka topic " + topic).get(topic);
            return description.partitions().size();
        }
        catch (final IllegalStateException ex)
        {
            if (ex.getCause() instanceof UnknownTopicOrPartitionException)
            {
                throw new IllegalStateException("Kafka topic " + topic + " does not exist at " + bootstrap +
                    ": create it first (Millrace does not create topics)");
            }
            throw ex;
        }
    }

    /**
     * Creates a compacted topic unless it exists, and checks that it has at least the partitions asked for.
     *
     * @param topic      to create.
     * @param partitions it needs.
     * @return whether it was created.
     */
    boolean createCompacted(final String topic, final int partitions)
    {
        try (Admin admin = admin())
        {
            final boolean exists = answer(admin.listTopics().names(), "cannot list the topics").contains(topic);
            if (!exists)
            {
                final NewTopic created = new NewTopic(topic, Optional.of(partitions), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                try
                {
                    answer(admin.createTopics(List.of(created)).all(), "cannot create Kafka topic " + topic);
                    return true;
                }
                catch (final IllegalStateException ex)
                {
                    if (!(ex.getCause() instanceof TopicExistsException))
                    {
                        throw ex;
                    }
                    // Another instance created it first.
                }
            }
        }
        final int held = partitions(topic);
        if (held < partitions)
        {
            throw new IllegalStateException("Kafka topic " + topic + " has " + held + " partitions, fewer than the " +
                partitions + " it needs: one per input partition");
        }
        return false;
    }

    /**
     * Reads a group's committed offset of one partition, waiting for offsets that transactions still being completed
     * will commit.
     *
     * @param group     the consumer group.
     * @param partition of a topic.
     * @return the offset, or -1 when the group has none for it.
     */
    long committedOffset(final String group, final TopicPartition partition)
    {
        try (Admin admin = admin())
        {
            final Map<TopicPartition, OffsetAndMetadata> offsets = answer(admin.listConsumerGroupOffsets(
                Map.of(group, new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(partition))),
                new ListConsumerGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata(group),
                "cannot read the offset of " + partition + " that group " + group + " committed");
            final OffsetAndMetadata committed = offsets.get(partition);
            return null == committed ? -1 : committed.offset();
        }
    }

    private Admin admin()
    {
        final Map<String, Object> config = new HashMap<>(properties);
        config.keySet().retainAll(AdminClientConfig.configNames());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(config);
    }

    private <T> T answer(final KafkaFuture<T> future, final String what)
    {
        try
        {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException(what + ": " + ex.getCause().getMessage(), ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalStateException(what + ": no answer from Kafka at " + bootstrap + " in " +
                TIMEOUT_SECONDS + " s", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + ": interrupted", ex);
        }
    }
}
