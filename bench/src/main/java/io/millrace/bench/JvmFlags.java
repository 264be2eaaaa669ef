package io.millrace.bench;

import java.util.List;

/**
 * The module-access flags that Agrona (and later Chronicle Queue) need on Java 17+, as compile-time constants so
 * that every benchmark can name them in {@code @Fork(jvmArgsAppend = ...)}. They mirror the root pom's
 * {@code millrace.jvm.args}; {@code JvmFlagsTest} fails when the two drift apart. The shaded jar's manifest
 * carries the same list for {@code java -jar}, and the build writes it to {@code bench/target/jvm.args} for
 * {@code java @bench/target/jvm.args -cp bench/target/benchmarks.jar ...}.
 */
public final class JvmFlags
{
    /** Agrona's access to {@code jdk.internal.misc.Unsafe}. */
    public static final String EXPORT_INTERNAL_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    /** Access to {@code jdk.internal.ref}. */
    public static final String EXPORT_INTERNAL_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    /** Access to {@code sun.nio.ch}. */
    public static final String EXPORT_NIO_CH = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    /** Access to {@code sun.misc}. */
    public static final String EXPORT_SUN_MISC = "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED";
    /** Access to {@code com.sun.tools.javac.file} (Chronicle). */
    public static final String EXPORT_JAVAC_FILE = "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";
    /** Reflection into {@code java.lang}. */
    public static final String OPEN_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    /** Reflection into {@code java.lang.reflect}. */
    public static final String OPEN_LANG_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    /** Reflection into {@code java.io}. */
    public static final String OPEN_IO = "--add-opens=java.base/java.io=ALL-UNNAMED";
    /** Reflection into {@code java.util}. */
    public static final String OPEN_UTIL = "--add-opens=java.base/java.util=ALL-UNNAMED";
    /** Reflection into {@code java.nio}. */
    public static final String OPEN_NIO = "--add-opens=java.base/java.nio=ALL-UNNAMED";
    /** Reflection into {@code com.sun.tools.javac} (Chronicle). */
    public static final String OPEN_JAVAC = "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED";

    private JvmFlags()
    {
    }

    /**
     * @return every flag, in the root pom's order.
     */
    public static List<String> all()
    {
        return List.of(
            EXPORT_INTERNAL_MISC, EXPORT_INTERNAL_REF, EXPORT_NIO_CH, EXPORT_SUN_MISC, EXPORT_JAVAC_FILE,
            OPEN_LANG, OPEN_LANG_REFLECT, OPEN_IO, OPEN_UTIL, OPEN_NIO, OPEN_JAVAC);
    }
}
