package io.millrace.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code millrace} command line in a child JVM with this JVM's class path and access flags, so that a
 * test can kill it with SIGKILL.
 */
final class ChildCommand
{
    private final Process process;

    private ChildCommand(final Process process)
    {
        this.process = process;
    }

    /**
     * @param stderr file that receives the child's stderr (appended); stdout is discarded.
     * @param stdin  file to feed as standard input, or null for a pipe written through {@link #input()}.
     * @param args   command line arguments.
     * @return the running child.
     * @throws IOException when it cannot start.
     */
    static ChildCommand start(final Path stderr, final Path stdin, final String... args) throws IOException
    {
        return startMain(MillraceCommand.class, stderr, stdin, args);
    }

    /**
     * @param main   class whose {@code main} the child runs.
     * @param stderr file that receives the child's stderr (appended); stdout is discarded.
     * @param stdin  file to feed as standard input, or null for none.
     * @param args   arguments of {@code main}.
     * @return the running child.
     * @throws IOException when it cannot start.
     */
    static ChildCommand startMain(final Class<?> main, final Path stderr, final Path stdin, final String... args)
        throws IOException
    {
        return startMain(main, List.of(), stderr, stdin, args);
    }

    /**
     * @param main       class whose {@code main} the child runs.
     * @param jvmOptions more options of the child JVM, such as system properties.
     * @param stderr     file that receives the child's stderr (appended); stdout is discarded.
     * @param stdin      file to feed as standard input, or null for none.
     * @param args       arguments of {@code main}.
     * @return the running child.
     * @throws IOException when it cannot start.
     */
    static ChildCommand startMain(
        final Class<?> main, final List<String> jvmOptions, final Path stderr, final Path stdin, final String... args)
        throws IOException
    {
        return start(main, System.getProperty("java.class.path"), jvmOptions, stderr, stdin, args);
    }

    /**
     * Starts a program as an embedding application runs it: without the test libraries on the class path, which
     * some libraries look for to behave differently under test, and without a logging provider.
     *
     * @param main       class whose {@code main} the child runs.
     * @param jvmOptions more options of the child JVM, such as system properties.
     * @param stderr     file that receives the child's stderr (appended); stdout is discarded.
     * @param args       arguments of {@code main}.
     * @return the running child.
     * @throws IOException when it cannot start.
     */
    static ChildCommand startApplication(
        final Class<?> main, final List<String> jvmOptions, final Path stderr, final String... args)
        throws IOException
    {
        final List<String> classPath = new ArrayList<>();
        for (final String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        {
            final String name = Path.of(entry).getFileName().toString();
            if (!name.startsWith("junit") && !name.startsWith("opentest4j") && !name.startsWith("apiguardian") &&
                !name.startsWith("surefire") && !name.startsWith("common-java5") && !name.startsWith("slf4j-simple"))
            {
                classPath.add(entry);
            }
        }
        return start(main, String.join(java.io.File.pathSeparator, classPath), jvmOptions, stderr, null, args);
    }

    private static ChildCommand start(
        final Class<?> main,
        final String classPath,
        final List<String> jvmOptions,
        final Path stderr,
        final Path stdin,
        final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String flag : System.getProperty("millrace.child.jvm.args", "").split("\\s+"))
        {
            if (!flag.isBlank())
            {
                command.add(flag);
            }
        }
        command.add("-Xmx512m");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(main.getName());
        command.addAll(Arrays.asList(args));
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        if (null != stdin)
        {
            builder.redirectInput(stdin.toFile());
        }
        return new ChildCommand(builder.start());
    }

    /**
     * Sends SIGKILL and waits for the process to go.
     *
     * @throws InterruptedException when interrupted.
     */
    void kill() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * Sends SIGTERM and waits for the process to go.
     *
     * @return its exit code.
     * @throws InterruptedException when interrupted.
     */
    int terminate() throws InterruptedException
    {
        process.destroy();
        return process.waitFor();
    }

    /**
     * @param seconds to wait.
     * @return the exit code.
     * @throws InterruptedException when interrupted.
     * @throws IllegalStateException when it did not end in time (it is killed).
     */
    int waitFor(final long seconds) throws InterruptedException
    {
        if (!process.waitFor(seconds, TimeUnit.SECONDS))
        {
            kill();
            throw new IllegalStateException("child did not finish within " + seconds + " s");
        }
        return process.exitValue();
    }

    /**
     * @return the child's standard input, when it was started without a file for it.
     */
    java.io.OutputStream input()
    {
        return process.getOutputStream();
    }

    /**
     * @return whether the child is still running.
     */
    boolean isAlive()
    {
        return process.isAlive();
    }
}
