package io.millrace.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks that the JVM grants the access Millrace's libraries need, so that a missing flag is one clear message
 * naming the flags to add rather than an {@code IllegalAccessError} from deep inside Agrona or Chronicle.
 */
public final class JvmAccess
{
    /** What core needs: Agrona's access to {@code jdk.internal.misc.Unsafe}. */
    public static final String CORE_FLAGS = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    /** What the journal needs besides: Chronicle Queue's memory mapping and buffer cleaning. */
    public static final String JOURNAL_FLAGS = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED " +
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED";

    private JvmAccess()
    {
    }

    /**
     * @param journal whether the journal's access is needed too.
     * @throws IllegalStateException naming every flag to add when one is missing.
     */
    public static void check(final boolean journal)
    {
        final Module base = Object.class.getModule();
        final Module us = JvmAccess.class.getModule();
        final List<String> missing = new ArrayList<>();
        if (!base.isExported("jdk.internal.misc", us))
        {
            missing.add("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED");
        }
        if (journal)
        {
            if (!base.isExported("sun.nio.ch", us))
            {
                missing.add("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
            }
            if (!base.isExported("jdk.internal.ref", us))
            {
                missing.add("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED");
            }
            if (!base.isOpen("java.lang.reflect", us))
            {
                missing.add("--add-opens=java.base/java.lang.reflect=ALL-UNNAMED");
            }
        }
        if (!missing.isEmpty())
        {
            throw new IllegalStateException("Millrace needs JVM access this JVM was not started with; add to the " +
                "java command line: " + String.join(" ", missing) + " (core needs " + CORE_FLAGS +
                (journal ? "; the journal also needs " + JOURNAL_FLAGS : "") + ")");
        }
    }
}
