package io.millrace.kafka;

import io.millrace.checkpoint.CheckpointException;
import io.millrace.checkpoint.EpochCut;
import io.millrace.checkpoint.IngressHandler;
import io.millrace.checkpoint.Journal;
import io.millrace.checkpoint.RecordBatch;
import io.millrace.checkpoint.Recovery;
import io.millrace.internal.durable.CrashPoints;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The checkpoint of a query that reads one partition of a Kafka topic, kept in Kafka rather than in a directory, so
 * that the query can resume on any machine (docs/kafka.md). Each epoch commits in one Kafka transaction of a
 * producer whose {@code transactional.id} is this checkpoint's id:
 * <ul>
 *     <li>the epoch's output rows, sent by {@link KafkaSink}s built {@link KafkaSink.Builder#checkpoint with this
 *     checkpoint};</li>
 *     <li>the operators' state at the end of the epoch, in chunks of at most {@value #CHUNK_BYTES} bytes keyed
 *     {@code snapshot/<i>}, and then a record keyed {@code commit} that names the epoch, its cut, the chunks and
 *     the query's identity, all to one partition of the state topic (compacted: only the newest of each key
 *     matters);</li>
 *     <li>the input partition's offset at the epoch's cut, for the consumer group, so that Kafka's tools see the
 *     group's progress.</li>
 * </ul>
 * A crash before the commit leaves none of it visible to {@code read_committed} readers; after it, all. A restart
 * (here or elsewhere) takes over the transactional id, which fences the earlier producer and aborts its open
 * transaction, reads the newest commit record, restores that snapshot and reads the input from that cut. No input is
 * journaled: Kafka replays it.
 * <p>
 * Threads: {@link #appendEpochCut} on the query's source thread; everything else on its committer thread, or before
 * the query starts.
 */
public final class KafkaCheckpoint implements Journal
{
    /** Most bytes of snapshot in one record of the state topic: well under a broker's default message limit. */
    public static final int CHUNK_BYTES = 512 * 1024;
    private static final String COMMIT_KEY = "commit";
    private static final String CHUNK_KEY = "snapshot/";
    private static final String FORMAT = "millrace-kafka-checkpoint 1";
    private static final Duration POLL = Duration.ofMillis(200);

    private final String bootstrap;
    private final String stateTopic;
    private final int statePartition;
    private final String id;
    private final TopicPartition input;
    private final String group;
    private final Map<String, Object> properties;
    /** Cuts logged by the source thread, taken by the commit of their epoch. */
    private final Map<Long, EpochCut> cuts = new ConcurrentHashMap<>();

    private KafkaProducer<byte[], byte[]> producer;
    private Stored stored;
    private long committedEpoch;
    private long openEpoch = -1;
    private String identity;

    private KafkaCheckpoint(final Builder builder)
    {
        this.bootstrap = builder.bootstrap;
        this.stateTopic = builder.stateTopic;
        this.statePartition = builder.statePartition;
        this.id = null == builder.id ? "millrace-" + builder.stateTopic + "-" + builder.statePartition : builder.id;
        this.input = builder.input;
        this.group = builder.group;
        this.properties = Map.copyOf(builder.properties);
    }

    /**
     * @param bootstrap  {@code HOST:PORT[,HOST:PORT…]} of the Kafka cluster.
     * @param stateTopic the topic holding checkpoints; it must exist and should be compacted.
     * @param partition  of the state topic that holds this checkpoint.
     * @return a builder of the checkpoint.
     */
    public static Builder builder(final String bootstrap, final String stateTopic, final int partition)
    {
        return new Builder(bootstrap, stateTopic, partition);
    }

    @Override
    public boolean commitsOutput()
    {
        return true;
    }

    @Override
    public boolean isNew()
    {
        connect();
        return null == stored;
    }

    @Override
    public Recovery open(final String identity)
    {
        connect();
        this.identity = Objects.requireNonNull(identity, "identity");
        if (null == stored)
        {
            return new Recovery(0, null, null, List.of(), false);
        }
        if (!stored.identity.equals(identity))
        {
            throw new CheckpointException(CheckpointException.Reason.MISMATCH, "the checkpoint in Kafka topic " +
                stateTopic + " partition " + statePartition + " belongs to another query or other parameters: it " +
                "holds\n" + stored.identity + "\nand this query is\n" + identity + "\nNothing was written.");
        }
        return new Recovery(stored.cut.epoch(), stored.cut, new UnsafeBuffer(stored.snapshot), List.of(), false);
    }

    /**
     * @return the newest epoch committed: whose rows, state and offset Kafka holds; 0 when none.
     */
    public long committedEpoch()
    {
        connect();
        return committedEpoch;
    }

    /**
     * @return the epoch this checkpoint held when it was opened, that a query resumes after; 0 when none.
     */
    public long restoredEpoch()
    {
        connect();
        return null == stored ? 0 : stored.cut.epoch();
    }

    /**
     * @return the input offset a query resumes at: that of the restored epoch's cut; 0 when none.
     */
    public long restoredOffset()
    {
        connect();
        return null == stored ? 0 : stored.cut.sourceOffset();
    }

    @Override
    public long appendRecords(final long sourceOffset, final long lineNumber, final RecordBatch records)
    {
        throw new UnsupportedOperationException("a Kafka checkpoint journals no input: its query reads one " +
            "replayable Kafka partition");
    }

    @Override
    public long appendEpochCut(final EpochCut cut)
    {
        cuts.put(cut.epoch(), cut);
        return cut.epoch();
    }

    @Override
    public int readIngress(final IngressHandler handler, final int limit)
    {
        return -1;
    }

    @Override
    public long commit(final long epoch, final DirectBuffer snapshot, final int offset, final int length)
    {
        final EpochCut cut = cuts.remove(epoch);
        if (null == cut)
        {
            throw new IllegalStateException("epoch " + epoch + " commits without a cut");
        }
        final long start = System.nanoTime();
        try
        {
            begin(epoch);
            final RecordHeaders epochHeader = new RecordHeaders();
            epochHeader.add(KafkaSink.EPOCH_HEADER, KafkaSink.longBytes(epoch));
            final CRC32C crc = new CRC32C();
            int chunks = 0;
            for (int at = 0; at < length; at += CHUNK_BYTES)
            {
                final byte[] chunk = new byte[Math.min(CHUNK_BYTES, length - at)];
                snapshot.getBytes(offset + at, chunk);
                crc.update(chunk);
                producer.send(new ProducerRecord<>(stateTopic, statePartition, null,
                    bytes(CHUNK_KEY + chunks), chunk, epochHeader));
                chunks++;
            }
            producer.send(new ProducerRecord<>(stateTopic, statePartition, null, bytes(COMMIT_KEY),
                bytes(commitRecord(cut, chunks, length, crc.getValue()) + identity), epochHeader));
            if (null != input)
            {
                producer.sendOffsetsToTransaction(
                    Map.of(input, new OffsetAndMetadata(cut.sourceOffset(), "millrace epoch " + epoch)),
                    new ConsumerGroupMetadata(group));
            }
            CrashPoints.passed("kafka-state-sent");
            producer.commitTransaction();
            CrashPoints.passed("kafka-committed");
        }
        catch (final KafkaException ex)
        {
            throw KafkaSink.failure(toString(), id, "cannot commit epoch " + epoch, ex);
        }
        openEpoch = -1;
        committedEpoch = epoch;
        return System.nanoTime() - start;
    }

    @Override
    public void close()
    {
        if (null != producer)
        {
            if (openEpoch >= 0)
            {
                try
                {
                    producer.abortTransaction();
                }
                catch (final KafkaException ignore)
                {
                    // A later owner of the id aborts what is left open.
                }
            }
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    @Override
    public String toString()
    {
        return "Kafka checkpoint " + stateTopic + " partition " + statePartition + " at " + bootstrap;
    }

    /**
     * @return the checkpoint's producer, for sinks writing in its transactions.
     */
    KafkaProducer<byte[], byte[]> producer()
    {
        connect();
        return producer;
    }

    /**
     * Begins the epoch's transaction unless it is open: the first of the epoch's rows or its commit begins it.
     */
    void begin(final long epoch)
    {
        if (openEpoch == epoch)
        {
            return;
        }
        try
        {
            producer.beginTransaction();
        }
        catch (final KafkaException ex)
        {
            throw KafkaSink.failure(toString(), id, "cannot begin the transaction of epoch " + epoch, ex);
        }
        openEpoch = epoch;
    }

    /**
     * @return the input partition whose offsets are committed, -1 when none are.
     */
    int inputPartition()
    {
        return null == input ? -1 : input.partition();
    }

    /**
     * @return the id of the checkpoint's producer.
     */
    String id()
    {
        return id;
    }

    private void connect()
    {
        if (null != producer)
        {
            return;
        }
        new ClusterQueries(bootstrap, properties).partitions(stateTopic);
        final Map<String, Object> config = new HashMap<>(properties);
        config.keySet().retainAll(ProducerConfig.configNames());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        final KafkaProducer<byte[], byte[]> created = new KafkaProducer<>(config);
        try
        {
            // Fences an earlier owner of this checkpoint and aborts what it left open: what is read next is final.
            created.initTransactions();
        }
        catch (final KafkaException ex)
        {
            created.close(Duration.ZERO);
            throw KafkaSink.failure(toString(), id, "cannot take over transactional id " + id, ex);
        }
        producer = created;
        stored = readNewest();
        committedEpoch = null == stored ? 0 : stored.cut.epoch();
    }

    /**
     * Reads the state partition to its end, {@code read_committed}: the newest commit record and its chunks.
     */
    private Stored readNewest()
    {
        final Map<String, Object> config = new HashMap<>(properties);
        config.keySet().retainAll(ConsumerConfig.configNames());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final TopicPartition partition = new TopicPartition(stateTopic, statePartition);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config))
        {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long end = consumer.endOffsets(List.of(partition)).get(partition);
            final Map<Integer, byte[]> chunks = new HashMap<>();
            long chunksEpoch = -1;
            String newest = null;
            List<byte[]> newestChunks = List.of();
            while (consumer.position(partition) < end)
            {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL))
                {
                    final String key = new String(record.key(), StandardCharsets.UTF_8);
                    final long epoch = epochOf(record);
                    if (key.startsWith(CHUNK_KEY))
                    {
                        if (epoch != chunksEpoch)
                        {
                            chunks.clear();
                            chunksEpoch = epoch;
                        }
                        chunks.put(Integer.parseInt(key.substring(CHUNK_KEY.length())), record.value());
                    }
                    else if (key.equals(COMMIT_KEY))
                    {
                        newest = new String(record.value(), StandardCharsets.UTF_8);
                        newestChunks = new ArrayList<>();
                        for (int i = 0; epoch == chunksEpoch && chunks.containsKey(i); i++)
                        {
                            newestChunks.add(chunks.get(i));
                        }
                    }
                }
            }
            return null == newest ? null : Stored.parse(newest, newestChunks, this);
        }
        catch (final KafkaException ex)
        {
            throw new IllegalStateException(this + ": cannot read the checkpoint: " + ex.getMessage(), ex);
        }
    }

    private static long epochOf(final ConsumerRecord<byte[], byte[]> record)
    {
        final Header header = record.headers().lastHeader(KafkaSink.EPOCH_HEADER);
        if (null == header || header.value().length != Long.BYTES)
        {
            return -1;
        }
        long value = 0;
        for (final byte b : header.value())
        {
            value = value << 8 | (b & 0xFF);
        }
        return value;
    }

    private static String commitRecord(final EpochCut cut, final int chunks, final int length, final long crc)
    {
        return FORMAT + "\nepoch=" + cut.epoch() + "\noffset=" + cut.sourceOffset() + "\nrecords-read=" +
            cut.lineNumber() + "\nrecords=" + cut.records() + "\nfirst=" + cut.firstOffset() + "\nlast=" +
            cut.lastOffset() + "\nend-of-input=" + cut.endOfInput() + "\ntime=" + cut.time() + "\nchunks=" + chunks +
            "\nlength=" + length + "\ncrc32c=" + crc + "\nidentity=\n";
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A commit record as read back, with its snapshot.
     */
    private record Stored(EpochCut cut, byte[] snapshot, String identity)
    {
        static Stored parse(final String record, final List<byte[]> chunks, final KafkaCheckpoint checkpoint)
        {
            final int identityAt = record.indexOf("\nidentity=\n");
            if (!record.startsWith(FORMAT + "\n") || identityAt < 0)
            {
                throw damaged(checkpoint, "its newest commit record is not one Millrace writes");
            }
            final Map<String, String> fields = new HashMap<>();
            for (final String line : record.substring(0, identityAt).split("\n"))
            {
                final int equals = line.indexOf('=');
                if (equals > 0)
                {
                    fields.put(line.substring(0, equals), line.substring(equals + 1));
                }
            }
            try
            {
                final EpochCut cut = new EpochCut(number(fields, "epoch"), number(fields, "offset"),
                    number(fields, "records-read"), number(fields, "records"), number(fields, "first"),
                    number(fields, "last"), Boolean.parseBoolean(fields.get("end-of-input")), number(fields, "time"));
                final int expectedChunks = (int)number(fields, "chunks");
                final int length = (int)number(fields, "length");
                if (chunks.size() < expectedChunks)
                {
                    throw damaged(checkpoint, "epoch " + cut.epoch() + " names " + expectedChunks +
                        " snapshot chunks, " + chunks.size() + " of which are there");
                }
                final byte[] snapshot = new byte[length];
                int at = 0;
                for (int i = 0; i < expectedChunks; i++)
                {
                    final byte[] chunk = chunks.get(i);
                    if (at + chunk.length > length)
                    {
                        throw damaged(checkpoint, "the snapshot of epoch " + cut.epoch() + " is longer than its " +
                            "commit record says");
                    }
                    System.arraycopy(chunk, 0, snapshot, at, chunk.length);
                    at += chunk.length;
                }
                final CRC32C crc = new CRC32C();
                crc.update(snapshot);
                if (at != length || crc.getValue() != number(fields, "crc32c"))
                {
                    throw damaged(checkpoint, "the snapshot of epoch " + cut.epoch() + " does not match the " +
                        "length and checksum its commit record gives");
                }
                return new Stored(cut, snapshot, record.substring(identityAt + "\nidentity=\n".length()));
            }
            catch (final NumberFormatException ex)
            {
                throw damaged(checkpoint, "its newest commit record lacks a field or holds one that is not a number");
            }
        }

        private static long number(final Map<String, String> fields, final String name)
        {
            return Long.parseLong(fields.get(name));
        }

        private static CheckpointException damaged(final KafkaCheckpoint checkpoint, final String what)
        {
            return new CheckpointException(CheckpointException.Reason.DAMAGED, checkpoint + " is damaged: " + what +
                ". Nothing was written.");
        }
    }

    /**
     * Builds a {@link KafkaCheckpoint}.
     */
    public static final class Builder
    {
        private final String bootstrap;
        private final String stateTopic;
        private final int statePartition;
        private final Map<String, Object> properties = new HashMap<>();
        private String id;
        private TopicPartition input;
        private String group;

        private Builder(final String bootstrap, final String stateTopic, final int partition)
        {
            this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap");
            this.stateTopic = Objects.requireNonNull(stateTopic, "stateTopic");
            if (partition < 0)
            {
                throw new IllegalArgumentException("partition must be 0 or more: " + partition);
            }
            this.statePartition = partition;
        }

        /**
         * @param id the producer's {@code transactional.id}: the same for every run of this checkpoint, on whatever
         *           machine, and different from every other producer's. Default
         *           {@code millrace-<stateTopic>-<partition>}.
         * @return this builder.
         */
        public Builder id(final String id)
        {
            this.id = Objects.requireNonNull(id, "id");
            return this;
        }

        /**
         * Commits the input partition's offset at each epoch's cut for a consumer group, in the epoch's transaction.
         *
         * @param group     the consumer group.
         * @param partition the input partition the query reads.
         * @return this builder.
         */
        public Builder consumedOffsets(final String group, final TopicPartition partition)
        {
            this.group = Objects.requireNonNull(group, "group");
            this.input = Objects.requireNonNull(partition, "partition");
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
         * @param settings Kafka client settings, as {@link #property} each.
         * @return this builder.
         */
        public Builder properties(final Map<String, Object> settings)
        {
            properties.putAll(settings);
            return this;
        }

        /**
         * @return the checkpoint.
         */
        public KafkaCheckpoint build()
        {
            return new KafkaCheckpoint(this);
        }
    }
}
