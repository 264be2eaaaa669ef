package io.millrace.kafka.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) for the tests: formatted and
 * started from the Kafka jars on the test class path as a child JVM listening on 127.0.0.1, once per test JVM (a JUnit
 * extension, {@link #shared()}), killed and its data removed when that JVM exits. A test that kills it starts it
 * again on the same ports and log directory.
 */
public final class KafkaBroker implements BeforeAllCallback
{
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private static final KafkaBroker SHARED = new KafkaBroker();

    private Path directory;
    private int port;
    private int controllerPort;
    private Process process;

    private KafkaBroker()
    {
    }

    /**
     * The broker of this JVM, as a JUnit extension: {@code @RegisterExtension static final KafkaBroker BROKER =
     * KafkaBroker.shared();} starts it before the first test class that registers it, on a new log directory; it is
     * killed and its data removed when the JVM exits, so that every class of a test run shares one broker and its
     * start.
     *
     * @return the broker.
     */
    public static KafkaBroker shared()
    {
        return SHARED;
    }

    /**
     * Starts the broker, unless a test class before this one did.
     *
     * @param context of the test class.
     * @throws IOException when the directory or configuration cannot be written.
     */
    @Override
    public synchronized void beforeAll(final ExtensionContext context) throws IOException
    {
        if (null != directory)
        {
            return;
        }
        directory = Files.createTempDirectory("millrace-kafka-");
        port = freePort();
        controllerPort = freePort();
        Files.writeString(directory.resolve("server.properties"), properties(), StandardCharsets.UTF_8);
        run(List.of("kafka.tools.StorageTool", "format", "--ignore-formatted", "-t", Uuid.randomUuid().toString(),
            "-c", config()), directory.resolve("format.log"));
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "kafka-broker-stop"));
        restart();
    }

    /**
     * @return {@code 127.0.0.1:PORT} of the broker's listener.
     */
    public String bootstrap()
    {
        return "127.0.0.1:" + port;
    }

    /**
     * @return a new admin client of this broker; close it.
     */
    public Admin admin()
    {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
    }

    /**
     * Creates a topic that does not exist yet.
     *
     * @param topic      name.
     * @param partitions of the topic.
     */
    public void createTopic(final String topic, final int partitions)
    {
        try (Admin admin = admin())
        {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short)1))).all().get(60, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("cannot create topic " + topic, ex);
        }
    }

    /**
     * Kills the broker as SIGKILL does: nothing flushed, no controlled shutdown.
     */
    public synchronized void kill()
    {
        if (null != process)
        {
            process.destroyForcibly();
            waitFor(process);
            process = null;
        }
    }

    /**
     * Starts the broker, or starts it again after {@link #kill()} on the same ports and data; waits until it answers.
     */
    public synchronized void restart()
    {
        if (null != process)
        {
            return;
        }
        process = launch(List.of("kafka.Kafka", config()), directory.resolve("broker.log"));
        awaitReady();
    }

    /**
     * Kills the broker and removes its data.
     */
    private synchronized void stop()
    {
        kill();
        try (Stream<Path> files = Files.walk(directory))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(file);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot remove " + directory, ex);
        }
    }

    private void awaitReady()
    {
        final long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline)
        {
            if (!process.isAlive())
            {
                throw new IllegalStateException("the Kafka broker exited with " + process.exitValue() + "; see " +
                    directory.resolve("broker.log"));
            }
            try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000)))
            {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            }
            catch (final Exception ex)
            {
                last = ex;
            }
        }
        throw new IllegalStateException("the Kafka broker did not answer in " + START_TIMEOUT + "; see " +
            directory.resolve("broker.log"), last);
    }

    private String config()
    {
        return directory.resolve("server.properties").toString();
    }

    private String properties()
    {
        return String.join("\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs=" + directory.resolve("data"),
            "num.partitions=1",
            "auto.create.topics.enable=false",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=4",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "transaction.state.log.num.partitions=4",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "group.min.session.timeout.ms=1000",
            "");
    }

    private static void run(final List<String> arguments, final Path log)
    {
        final Process format = launch(arguments, log);
        if (waitFor(format) != 0)
        {
            throw new IllegalStateException(arguments.get(0) + " failed; see " + log);
        }
    }

    private static Process launch(final List<String> arguments, final Path log)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xms256m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.add("-cp");
        command.add(classPath());
        command.addAll(arguments);
        try
        {
            return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start " + arguments.get(0), ex);
        }
    }

    private static String classPath()
    {
        // Surefire starts tests from a jar whose manifest holds the class path; it also names it in full here.
        final String tests = System.getProperty("surefire.test.class.path");
        return null != tests ? tests : System.getProperty("java.class.path");
    }

    private static int waitFor(final Process process)
    {
        try
        {
            return process.waitFor();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + process, ex);
        }
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
