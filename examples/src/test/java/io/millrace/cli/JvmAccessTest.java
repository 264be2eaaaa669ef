package io.millrace.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application that embeds Millrace on a JVM started without the access flags it needs gets one message naming
 * the flags to add, not an access error from inside a library.
 */
class JvmAccessTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void shouldNameTheMissingFlagsOfTheJournal() throws Exception
    {
        final Process process = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), PublishedWindowedCount.class.getName(),
            dir.resolve("checkpoint").toString(), dir.resolve("out").toString(), "10"))
            .redirectErrorStream(true).start();
        final String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertNotEquals(0, process.waitFor(), said);
        assertTrue(said.contains("Millrace needs JVM access this JVM was not started with; add to the java command " +
            "line: --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED" +
            " --add-opens=java.base/java.lang.reflect=ALL-UNNAMED"), said);
        assertFalse(said.contains("IllegalAccess"), said);
    }

    @Test
    @Timeout(60)
    void shouldNameTheMissingFlagOfCore() throws Exception
    {
        final Process process = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), PublishedWindowedCount.class.getName(),
            "-", dir.resolve("out").toString(), "10"))
            .redirectErrorStream(true).start();
        final String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertNotEquals(0, process.waitFor(), said);
        assertTrue(said.contains("add to the java command line: --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"),
            said);
        assertFalse(said.contains("IllegalAccess"), said);
    }
}
