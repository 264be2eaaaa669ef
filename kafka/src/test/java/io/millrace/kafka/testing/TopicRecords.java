package io.millrace.kafka.testing;

import io.millrace.kafka.KafkaSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the records a test's query reads from a topic, and reads back every record of a topic that the Millrace
 * Kafka sink wrote, as a reader of the topic would.
 */
public final class TopicRecords
{
    private TopicRecords()
    {
    }

    /**
     * A record the sink wrote.
     *
     * @param partition of the topic.
     * @param key       the record's key as text, null when it has none.
     * @param value     the record's value as text.
     * @param epoch     from the epoch header.
     * @param sequence  from the sequence header.
     * @param input     from the input-partition header, -1 when there is none: the input partition whose query
     *                  wrote the row, for a query run in a consumer group.
     */
    public record Row(int partition, String key, String value, long epoch, long sequence, long input)
    {
    }

    /**
     * @param bootstrap     of the broker.
     * @param topic         to read from the beginning to its end.
     * @param readCommitted whether to read as {@code read_committed} (only committed transactions) rather than
     *                      {@code read_uncommitted}.
     * @return every record, partition by partition in offset order.
     */
    public static List<Row> read(final String bootstrap, final String topic, final boolean readCommitted)
    {
        final Map<String, Object> config = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final List<Row> rows = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config))
        {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30)))
            {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Under read_committed the end is the last stable offset: past it lie only records of open transactions.
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!reached(consumer, ends))
            {
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("topic " + topic + " not read to its end " + ends + " in 60 s");
                }
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200)))
                {
                    rows.add(new Row(record.partition(),
                        null == record.key() ? null : new String(record.key(), StandardCharsets.UTF_8),
                        new String(record.value(), StandardCharsets.UTF_8),
                        header(record, KafkaSink.EPOCH_HEADER), header(record, KafkaSink.SEQUENCE_HEADER),
                        header(record, KafkaSink.INPUT_PARTITION_HEADER)));
                }
            }
        }
        return rows;
    }

    /**
     * Appends records without keys to one partition, in order, and waits until the broker has them all.
     *
     * @param bootstrap of the broker.
     * @param topic     to write to.
     * @param partition of the topic.
     * @param values    of the records, as UTF-8; null for a record without a value.
     */
    public static void write(final String bootstrap, final String topic, final int partition, final List<String> values)
    {
        final Map<String, Object> config = Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, 5);
        final List<Future<RecordMetadata>> sent = new ArrayList<>(values.size());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config))
        {
            for (final String value : values)
            {
                sent.add(producer.send(new ProducerRecord<>(topic, partition, null,
                    null == value ? null : value.getBytes(StandardCharsets.UTF_8))));
            }
            producer.flush();
            for (final Future<RecordMetadata> record : sent)
            {
                record.get();
            }
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("cannot write to " + topic + "-" + partition, ex.getCause());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted writing to " + topic, ex);
        }
    }

    private static boolean reached(final KafkaConsumer<?, ?> consumer, final Map<TopicPartition, Long> ends)
    {
        for (final Map.Entry<TopicPartition, Long> end : ends.entrySet())
        {
            if (consumer.position(end.getKey()) < end.getValue())
            {
                return false;
            }
        }
        return true;
    }

    private static long header(final ConsumerRecord<byte[], byte[]> record, final String name)
    {
        final Header header = record.headers().lastHeader(name);
        if (null == header && name.equals(KafkaSink.INPUT_PARTITION_HEADER))
        {
            return -1;
        }
        if (null == header || header.value().length != Long.BYTES)
        {
            throw new IllegalStateException("record without an 8-byte header " + name + ": " + record);
        }
        return ByteBuffer.wrap(header.value()).getLong();
    }
}
