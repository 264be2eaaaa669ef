package io.millrace.kafka;

import io.millrace.row.Schema;
import io.millrace.source.Source;
import io.millrace.source.SourceOutput;
import io.millrace.source.SourceStatus;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one partition of a Kafka topic, as a {@code read_committed} consumer without a group: the source's position
 * is the partition's offset, so an epoch's cut is the offset where it ended, and a recovery rewinds the partition
 * there and reads the same records again; nothing needs journaling. A topic of several partitions is read by one
 * source per partition ({@link Builder#partition}), as several inputs of one query.
 * <p>
 * Each record's value becomes a row through a {@link RecordDeserializer}. A record without a value, one longer than
 * the maximum record size, or one the deserializer rejects goes to the query's dead letters, numbered by its offset
 * and with its topic, partition and offset in the reason; the source goes on. A new query starts at the partition's
 * first offset. A bounded source ({@link Builder#bounded()}) reads the records the partition holds when it opens and
 * then ends, as a file does.
 */
public final class KafkaSource implements Source
{
    /** Default longest record value, in bytes. */
    public static final int MAX_RECORD_SIZE_DEFAULT = 64 * 1024;

    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(60);

    private final String bootstrap;
    private final TopicPartition partition;
    private final RecordDeserializer deserializer;
    private final int maxRecordSize;
    private final Map<String, Object> properties;
    private final UnsafeBuffer value = new UnsafeBuffer(0, 0);
    private boolean bounded;

    private KafkaConsumer<byte[], byte[]> consumer;
    private Iterator<ConsumerRecord<byte[], byte[]>> fetched = Collections.emptyIterator();
    private long next = -1;
    private long end = Long.MAX_VALUE;

    private KafkaSource(final Builder builder, final int partition)
    {
        this.bootstrap = builder.bootstrap;
        this.partition = new TopicPartition(builder.topic, partition);
        this.deserializer = builder.deserializer;
        this.maxRecordSize = builder.maxRecordSize;
        this.properties = Map.copyOf(builder.properties);
        this.bounded = builder.bounded;
    }

    /**
     * @param bootstrap    {@code HOST:PORT[,HOST:PORT…]} of the Kafka cluster.
     * @param topic        to read.
     * @param deserializer making rows of record values.
     * @return a builder of sources of the topic's partitions.
     */
    public static Builder builder(final String bootstrap, final String topic, final RecordDeserializer deserializer)
    {
        return new Builder(bootstrap, topic, deserializer);
    }

    @Override
    public Schema schema()
    {
        return deserializer.schema();
    }

    @Override
    public void open()
    {
        final Map<String, Object> config = new HashMap<>(properties);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(config);
        try
        {
            checkPartition(consumer.partitionsFor(partition.topic(), METADATA_TIMEOUT));
            consumer.assign(List.of(partition));
            if (next < 0)
            {
                next = consumer.beginningOffsets(List.of(partition), METADATA_TIMEOUT).get(partition);
            }
            consumer.seek(partition, next);
            if (bounded)
            {
                // Under read_committed, the last stable offset: records past it belong to open transactions.
                end = consumer.endOffsets(List.of(partition), METADATA_TIMEOUT).get(partition);
            }
        }
        catch (final KafkaException ex)
        {
            throw new IllegalStateException(this + ": cannot open: " + ex.getMessage(), ex);
        }
    }

    @Override
    public SourceStatus poll(final SourceOutput output, final int limit)
    {
        int read = 0;
        while (read < limit)
        {
            if (!fetched.hasNext())
            {
                if (read > 0)
                {
                    return SourceStatus.MORE_AVAILABLE;
                }
                if (bounded && consumer.position(partition) >= end)
                {
                    next = Math.max(next, end);
                    return SourceStatus.END_OF_INPUT;
                }
                try
                {
                    fetched = consumer.poll(Duration.ZERO).records(partition).iterator();
                }
                catch (final KafkaException ex)
                {
                    throw new IllegalStateException(this + ": cannot read: " + ex.getMessage(), ex);
                }
                if (!fetched.hasNext())
                {
                    return SourceStatus.NOTHING_AVAILABLE;
                }
            }
            final ConsumerRecord<byte[], byte[]> record = fetched.next();
            if (record.offset() >= end)
            {
                fetched = Collections.emptyIterator();
                continue;
            }
            next = record.offset() + 1;
            read++;
            if (!read(record, output))
            {
                // The row is kept and published before the next poll; nothing more may be written until then.
                return SourceStatus.MORE_AVAILABLE;
            }
        }
        return SourceStatus.MORE_AVAILABLE;
    }

    @Override
    public long position()
    {
        return next;
    }

    @Override
    public boolean isReplayable()
    {
        return true;
    }

    @Override
    public void seek(final long position, final long lineNumber)
    {
        next = position;
        fetched = Collections.emptyIterator();
        if (null != consumer)
        {
            consumer.seek(partition, position);
        }
    }

    @Override
    public boolean endAtAvailableInput()
    {
        bounded = true;
        return true;
    }

    @Override
    public void close()
    {
        if (null != consumer)
        {
            consumer.close();
            consumer = null;
        }
    }

    @Override
    public String toString()
    {
        return "KafkaSource(" + partition + " at " + bootstrap + ")";
    }

    /**
     * @return whether the row was published; false when it waits for room in the ring.
     */
    private boolean read(final ConsumerRecord<byte[], byte[]> record, final SourceOutput output)
    {
        final byte[] bytes = record.value();
        final long offset = record.offset();
        if (null == bytes)
        {
            output.deadLetter(offset, where(offset) + "record without a value", value, 0, 0);
            return true;
        }
        value.wrap(bytes);
        if (bytes.length > maxRecordSize)
        {
            output.deadLetter(offset, where(offset) + "value of " + bytes.length + " bytes, over the maximum record " +
                "size of " + maxRecordSize, value, 0, bytes.length);
            return true;
        }
        final String error = deserializer.deserialize(value, bytes.length, record.timestamp(), output.row());
        if (null != error)
        {
            output.deadLetter(offset, where(offset) + error, value, 0, bytes.length);
            return true;
        }
        return output.emit(offset);
    }

    private String where(final long offset)
    {
        return "topic " + partition.topic() + " partition " + partition.partition() + " offset " + offset + ": ";
    }

    private void checkPartition(final List<PartitionInfo> partitions)
    {
        if (null == partitions || partitions.isEmpty())
        {
            throw new IllegalStateException("Kafka topic " + partition.topic() + " does not exist at " + bootstrap);
        }
        if (partition.partition() >= partitions.size())
        {
            throw new IllegalStateException("Kafka topic " + partition.topic() + " has " + partitions.size() +
                " partitions, no partition " + partition.partition());
        }
    }

    /**
     * Builds {@link KafkaSource}s of one topic.
     */
    public static final class Builder
    {
        private final String bootstrap;
        private final String topic;
        private final RecordDeserializer deserializer;
        private final Map<String, Object> properties = new HashMap<>();
        private int maxRecordSize = MAX_RECORD_SIZE_DEFAULT;
        private boolean bounded;

        private Builder(final String bootstrap, final String topic, final RecordDeserializer deserializer)
        {
            this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap");
            this.topic = Objects.requireNonNull(topic, "topic");
            this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
        }

        /**
         * @param bytes longest record value accepted; longer ones are dead letters. Default
         *              {@link #MAX_RECORD_SIZE_DEFAULT}.
         * @return this builder.
         */
        public Builder maxRecordSize(final int bytes)
        {
            if (bytes <= 0)
            {
                throw new IllegalArgumentException("maxRecordSize must be positive: " + bytes);
            }
            this.maxRecordSize = bytes;
            return this;
        }

        /**
         * Makes the sources read the records their partitions hold when they open, and then end.
         *
         * @return this builder.
         */
        public Builder bounded()
        {
            this.bounded = true;
            return this;
        }

        /**
         * @param name  of a Kafka consumer setting (security settings, say).
         * @param value of the setting.
         * @return this builder.
         */
        public Builder property(final String name, final Object value)
        {
            properties.put(name, value);
            return this;
        }

        /**
         * Asks the cluster how many partitions the topic has.
         *
         * @return the number of partitions.
         * @throws IllegalStateException naming the topic when it does not exist, or when the cluster does not answer.
         */
        public int partitionCount()
        {
            return new ClusterQueries(bootstrap, properties).partitions(topic);
        }

        /**
         * @param partition of the topic, from 0.
         * @return a source of that partition.
         */
        public KafkaSource partition(final int partition)
        {
            if (partition < 0)
            {
                throw new IllegalArgumentException("partition must not be negative: " + partition);
            }
            return new KafkaSource(this, partition);
        }
    }
}
