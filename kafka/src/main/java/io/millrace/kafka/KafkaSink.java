package io.millrace.kafka;

import io.millrace.internal.durable.CrashPoints;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.sink.CsvRowFormatter;
import io.millrace.sink.Sink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes a query's rows to a Kafka topic: each row is one record whose value is the row as a CSV line (the line
 * of a part file, without its line end), whose key is the row's key columns in the same form, and whose headers
 * {@value #EPOCH_HEADER} and {@value #SEQUENCE_HEADER} hold the row's id as 8-byte big-endian longs.
 * <p>
 * With {@link Delivery#EXACTLY_ONCE}, epoch {@code e}'s rows go in one transaction of a producer whose
 * {@code transactional.id} is the sink's id. The transaction also commits, for the consumer group
 * {@code <id>.epochs}, the offset {@code e} of the topic's partition 0: that is how a restarted query learns which
 * epochs the topic already holds, atomically with the rows. A second producer with the same id fences the first,
 * whose query then stops with an error that says so.
 * <p>
 * Records are made on the thread that delivers rows: each allocates its key, value and headers, as Kafka's
 * producer does.
 */
public final class KafkaSink implements Sink
{
    /** Header holding a row's epoch. */
    public static final String EPOCH_HEADER = "millrace.epoch";
    /** Header holding a row's sequence within its epoch. */
    public static final String SEQUENCE_HEADER = "millrace.sequence";
    /**
     * Header holding the input partition whose query wrote a row, written by a sink with a {@link KafkaCheckpoint}
     * that commits consumed offsets: queries of several partitions write to one topic, each numbering its own
     * epochs, so a row's id is (input partition, epoch, sequence).
     */
    public static final String INPUT_PARTITION_HEADER = "millrace.input-partition";

    private final String bootstrap;
    private final String topic;
    private final String id;
    private final Delivery delivery;
    private final List<String> keyColumns;
    private final Map<String, Object> properties;
    private final KafkaCheckpoint checkpoint;
    private final Callback onSent = this::onSent;

    private KafkaProducer<byte[], byte[]> producer;
    private CsvRowFormatter values;
    private CsvRowFormatter keys;
    private byte[] inputPartition;
    private long heldEpoch = -1;
    private long openEpoch = -1;
    private volatile Exception sendFailure;

    private KafkaSink(final Builder builder)
    {
        this.bootstrap = builder.bootstrap;
        this.topic = builder.topic;
        this.checkpoint = builder.checkpoint;
        this.id = null != checkpoint ? checkpoint.id() : null == builder.id ? "millrace-" + builder.topic : builder.id;
        this.delivery = builder.delivery;
        this.keyColumns = List.copyOf(builder.keyColumns);
        this.properties = Map.copyOf(builder.properties);
    }

    /**
     * @param bootstrap {@code HOST:PORT[,HOST:PORT…]} of the Kafka cluster.
     * @param topic     to write to; it must exist.
     * @return a builder of the sink.
     */
    public static Builder builder(final String bootstrap, final String topic)
    {
        return new Builder(bootstrap, topic);
    }

    /**
     * Connects to the cluster, checks the topic, and with {@link Delivery#EXACTLY_ONCE} takes over the transactional
     * id (finishing or aborting what an earlier producer with that id left open) and reads the newest epoch the topic
     * holds.
     *
     * @return the newest epoch whose rows the topic holds, 0 when none, -1 for {@link Delivery#AT_LEAST_ONCE} (which
     * cannot tell).
     */
    @Override
    public long lastDurableEpoch()
    {
        connect();
        return delivery == Delivery.EXACTLY_ONCE || null != checkpoint ? heldEpoch : -1;
    }

    /**
     * @return true for {@link Delivery#EXACTLY_ONCE}: an epoch's commit is a few round trips to the broker, which
     *         the query's committer thread waits for while its operator thread goes on; false for
     *         {@link Delivery#AT_LEAST_ONCE}, whose rows are sent as they are made.
     */
    @Override
    public boolean commitsRemotely()
    {
        return delivery == Delivery.EXACTLY_ONCE || null != checkpoint;
    }

    @Override
    public void open(final Schema schema)
    {
        values = new CsvRowFormatter(schema);
        keys = keyColumns.isEmpty() ? null : new CsvRowFormatter(schema, keyColumns);
        connect();
    }

    @Override
    public void onRow(final RowView row, final long epoch, final long sequence)
    {
        if (epoch <= heldEpoch)
        {
            return;
        }
        if (null != checkpoint)
        {
            checkpoint.begin(epoch);
        }
        else if (delivery == Delivery.EXACTLY_ONCE && epoch != openEpoch)
        {
            beginTransaction(epoch);
        }
        final RecordHeaders headers = new RecordHeaders();
        headers.add(EPOCH_HEADER, longBytes(epoch));
        headers.add(SEQUENCE_HEADER, longBytes(sequence));
        if (null != inputPartition)
        {
            headers.add(INPUT_PARTITION_HEADER, inputPartition);
        }
        final byte[] key = null == keys ? null : line(keys, row);
        final byte[] value = line(values, row);
        try
        {
            producer.send(new ProducerRecord<>(topic, null, null, key, value, headers), onSent);
        }
        catch (final KafkaException ex)
        {
            throw failure(toString(), id, "cannot send a row of epoch " + epoch, ex);
        }
    }

    @Override
    public void commitEpoch(final long epoch)
    {
        if (epoch <= heldEpoch)
        {
            return;
        }
        try
        {
            if (delivery == Delivery.AT_LEAST_ONCE || null != checkpoint)
            {
                // The checkpoint commits the epoch's transaction, with the epoch's state, right after.
                producer.flush();
                checkSent(epoch);
                return;
            }
            if (epoch != openEpoch)
            {
                return;
            }
            producer.flush();
            checkSent(epoch);
            producer.sendOffsetsToTransaction(
                Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(epoch, "millrace epoch")),
                new ConsumerGroupMetadata(epochGroup()));
            CrashPoints.passed("kafka-rows-sent");
            producer.commitTransaction();
            CrashPoints.passed("kafka-committed");
            openEpoch = -1;
        }
        catch (final KafkaException ex)
        {
            throw failure(toString(), id, "cannot commit epoch " + epoch, ex);
        }
    }

    @Override
    public void close()
    {
        if (null != producer && null == checkpoint)
        {
            producer.close();
        }
        producer = null;
    }

    @Override
    public String toString()
    {
        return "Kafka topic " + topic + " at " + bootstrap + " (" + (null != checkpoint ? "exactly once, in the " +
            "transactions of " + checkpoint : delivery + ", id " + id) + ")";
    }

    private void connect()
    {
        if (null != producer)
        {
            return;
        }
        final ClusterQueries cluster = new ClusterQueries(bootstrap, properties);
        cluster.partitions(topic);
        if (null != checkpoint)
        {
            producer = checkpoint.producer();
            heldEpoch = checkpoint.committedEpoch();
            inputPartition = checkpoint.inputPartition() < 0 ? null : longBytes(checkpoint.inputPartition());
            return;
        }
        final Map<String, Object> config = new HashMap<>(properties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        if (delivery == Delivery.EXACTLY_ONCE)
        {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        }
        producer = new KafkaProducer<>(config);
        if (delivery == Delivery.EXACTLY_ONCE)
        {
            try
            {
                // Fences any earlier producer of this id and completes what it left: its committed epoch is then
                // final, and a read that waits for pending offsets sees it.
                producer.initTransactions();
            }
            catch (final KafkaException ex)
            {
                throw failure(toString(), id, "cannot take over transactional id " + id, ex);
            }
            heldEpoch = Math.max(0, cluster.committedOffset(epochGroup(), new TopicPartition(topic, 0)));
        }
    }

    private void beginTransaction(final long epoch)
    {
        try
        {
            producer.beginTransaction();
        }
        catch (final KafkaException ex)
        {
            throw failure(toString(), id, "cannot begin the transaction of epoch " + epoch, ex);
        }
        openEpoch = epoch;
    }

    private void onSent(final RecordMetadata metadata, final Exception exception)
    {
        if (null != exception && null == sendFailure)
        {
            sendFailure = exception;
        }
    }

    private void checkSent(final long epoch)
    {
        final Exception failed = sendFailure;
        if (null != failed)
        {
            throw failure(toString(), id, "a row of epoch " + epoch + " was not written", failed);
        }
    }

    /**
     * @return the error a failed Kafka call ends a query with: one that says so when another producer took over.
     */
    static IllegalStateException failure(final String owner, final String id, final String what, final Exception cause)
    {
        if (isFencing(cause))
        {
            return new IllegalStateException(owner + ": another producer with transactional id " + id + " took " +
                "over (a second instance of this query, or another query given the same id); this one stops", cause);
        }
        return new IllegalStateException(owner + ": " + what + ": " + cause.getMessage(), cause);
    }

    /**
     * @param error a query's failure, or a Kafka call's.
     * @return whether it, or what caused it, is Kafka's word that another producer took the transactional id over.
     */
    static boolean isFencing(final Throwable error)
    {
        for (Throwable cause = error; null != cause; cause = cause.getCause())
        {
            if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException)
            {
                return true;
            }
        }
        return false;
    }

    private String epochGroup()
    {
        return id + ".epochs";
    }

    private static byte[] line(final CsvRowFormatter formatter, final RowView row)
    {
        final int length = formatter.format(row) - 1;
        final byte[] bytes = new byte[length];
        formatter.buffer().getBytes(0, bytes);
        return bytes;
    }

    static byte[] longBytes(final long value)
    {
        final byte[] bytes = new byte[Long.BYTES];
        for (int i = 0; i < Long.BYTES; i++)
        {
            bytes[i] = (byte)(value >>> (56 - 8 * i));
        }
        return bytes;
    }

    /**
     * Builds a {@link KafkaSink}.
     */
    public static final class Builder
    {
        private final String bootstrap;
        private final String topic;
        private final Map<String, Object> properties = new HashMap<>();
        private final List<String> keyColumns = new ArrayList<>();
        private Delivery delivery = Delivery.EXACTLY_ONCE;
        private String id;
        private KafkaCheckpoint checkpoint;

        private Builder(final String bootstrap, final String topic)
        {
            this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap");
            this.topic = Objects.requireNonNull(topic, "topic");
        }

        /**
         * @param delivery {@link Delivery#EXACTLY_ONCE} (the default) or {@link Delivery#AT_LEAST_ONCE}.
         * @return this builder.
         */
        public Builder delivery(final Delivery delivery)
        {
            this.delivery = Objects.requireNonNull(delivery, "delivery");
            return this;
        }

        /**
         * @param id names this output: the producer's {@code transactional.id}, and with {@code .epochs} the group
         *           that records the epochs the topic holds. Two queries writing to one topic need different ids;
         *           a query restarted from its checkpoint needs the same one. Default {@code millrace-<topic>}.
         * @return this builder.
         */
        public Builder id(final String id)
        {
            this.id = Objects.requireNonNull(id, "id");
            return this;
        }

        /**
         * Writes each epoch's rows in the transaction that commits the epoch's checkpoint, with its producer: the
         * rows, the query's state and its input offsets become visible together. The delivery and id given are
         * then not used.
         *
         * @param checkpoint the query's checkpoint.
         * @return this builder.
         */
        public Builder checkpoint(final KafkaCheckpoint checkpoint)
        {
            this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
            return this;
        }

        /**
         * @param columns of each row that make up its record's key, in order; none (the default) writes records
         *                without a key.
         * @return this builder.
         */
        public Builder keyColumns(final List<String> columns)
        {
            keyColumns.clear();
            keyColumns.addAll(columns);
            return this;
        }

        /**
         * @param name  of a Kafka producer setting (security settings, say), given to the admin client too where
         *              it applies.
         * @param value of the setting.
         * @return this builder.
         */
        public Builder property(final String name, final Object value)
        {
            properties.put(name, value);
            return this;
        }

        /**
         * @return the sink.
         */
        public KafkaSink build()
        {
            return new KafkaSink(this);
        }
    }
}
