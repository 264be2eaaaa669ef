package io.millrace.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Summarises the {@code jdk.ExecutionSample} events of a JFR recording per thread: the methods most often on top
 * of the stack (self time) and most often anywhere in it (total time), as shares of the thread's samples. For
 * RESULTS.md's profile of a throughput run:
 * {@code java -cp bench/target/benchmarks.jar io.millrace.bench.JfrTopFrames x.jfr [--top N] [--threads PREFIX]}.
 */
public final class JfrTopFrames
{
    private JfrTopFrames()
    {
    }

    /**
     * @param args the recording, then optionally {@code --top N} (default 15) and {@code --threads PREFIX}
     *             (default {@code millrace-}).
     * @throws IOException when the recording cannot be read.
     */
    public static void main(final String[] args) throws IOException
    {
        if (args.length == 0 || args[0].startsWith("-"))
        {
            System.out.println("Usage: java -cp bench/target/benchmarks.jar io.millrace.bench.JfrTopFrames " +
                "RECORDING.jfr [--top N] [--threads PREFIX]");
            System.exit(args.length == 0 ? 2 : 0);
        }
        final Args options = Args.parse(java.util.Arrays.copyOfRange(args, 1, args.length),
            Set.of("top", "threads"), Set.of());
        final int top = (int)options.count("top", 15, 1);
        final String prefix = options.string("threads", "millrace-");

        final Map<String, ThreadProfile> profiles = new TreeMap<>();
        for (final RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0])))
        {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample"))
            {
                continue;
            }
            final RecordedThread thread = event.getThread("sampledThread");
            final String name = null == thread ? "?" : thread.getJavaName();
            final RecordedStackTrace stack = event.getStackTrace();
            if (null == name || !name.startsWith(prefix) || null == stack || stack.getFrames().isEmpty())
            {
                continue;
            }
            profiles.computeIfAbsent(name, n -> new ThreadProfile()).add(stack.getFrames());
        }
        if (profiles.isEmpty())
        {
            System.out.println("no execution samples of threads named " + prefix + "*");
        }
        profiles.forEach((name, profile) -> profile.print(name, top));
    }

    private static String method(final RecordedFrame frame)
    {
        final RecordedMethod method = frame.getMethod();
        final String type = method.getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + method.getName();
    }

    /** Sample counts of one thread. */
    private static final class ThreadProfile
    {
        private final Map<String, Integer> self = new HashMap<>();
        private final Map<String, Integer> total = new HashMap<>();
        private int samples;

        void add(final List<RecordedFrame> frames)
        {
            samples++;
            self.merge(method(frames.get(0)), 1, Integer::sum);
            final Set<String> seen = new HashSet<>();
            for (final RecordedFrame frame : frames)
            {
                if (seen.add(method(frame)))
                {
                    total.merge(method(frame), 1, Integer::sum);
                }
            }
        }

        void print(final String thread, final int top)
        {
            System.out.printf(Locale.ROOT, "%s: %d samples%n  self:%n", thread, samples);
            printTop(self, top);
            System.out.println("  total (anywhere on the stack):");
            printTop(total, top);
        }

        private void printTop(final Map<String, Integer> counts, final int top)
        {
            final List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
            entries.sort((a, b) -> b.getValue() - a.getValue());
            for (int i = 0; i < Math.min(top, entries.size()); i++)
            {
                System.out.printf(Locale.ROOT, "    %5.1f%%  %s%n",
                    100.0 * entries.get(i).getValue() / samples, entries.get(i).getKey());
            }
        }
    }
}
