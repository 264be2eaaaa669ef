package io.millrace.testing;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Random inputs and small byte helpers shared by the core tests. Every generator takes a seeded {@link Random}
 * so that a failure can be reproduced from the seed in its message.
 */
public final class TestData
{
    /** Characters of the short ASCII strings the tests generate. */
    public static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private TestData()
    {
    }

    /**
     * @param random source.
     * @param length of the result.
     * @return random bytes, every value 0..255 equally likely.
     */
    public static byte[] randomBytes(final Random random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * @param random    source.
     * @param minLength shortest.
     * @param maxLength longest.
     * @return a string of {@link #ALPHANUMERIC} characters.
     */
    public static String randomWord(final Random random, final int minLength, final int maxLength)
    {
        final int length = minLength + random.nextInt(maxLength - minLength + 1);
        final StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            sb.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
        }
        return sb.toString();
    }

    /**
     * @param bytes to wrap.
     * @return an Agrona buffer over a copy of them.
     */
    public static UnsafeBuffer buffer(final byte[] bytes)
    {
        return new UnsafeBuffer(bytes.clone());
    }

    /**
     * @param text to encode.
     * @return its UTF-8 bytes.
     */
    public static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param arrays to join.
     * @return their bytes one after another.
     */
    public static byte[] concat(final byte[]... arrays)
    {
        int length = 0;
        for (final byte[] array : arrays)
        {
            length += array.length;
        }
        final byte[] all = new byte[length];
        int at = 0;
        for (final byte[] array : arrays)
        {
            System.arraycopy(array, 0, all, at, array.length);
            at += array.length;
        }
        return all;
    }

    /**
     * @param length of the result.
     * @param value  of every byte.
     * @return the bytes.
     */
    public static byte[] repeat(final int length, final char value)
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte)value);
        return bytes;
    }

    /**
     * Writes files into a directory, named in order so that listing order is input order.
     *
     * @param dir      to write into.
     * @param contents one per file.
     * @return the paths, in order.
     */
    public static List<Path> writeFiles(final Path dir, final List<byte[]> contents)
    {
        final List<Path> paths = new ArrayList<>();
        try
        {
            for (int i = 0; i < contents.size(); i++)
            {
                final Path path = dir.resolve(String.format("input-%04d.txt", i));
                Files.write(path, contents.get(i));
                paths.add(path);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return paths;
    }

    /**
     * Random bytes shaped into lines: line lengths cluster around {@code maxLineLength}, with CR, LF, CRLF and
     * every other byte value.
     *
     * @param random        source.
     * @param maxLineLength the lengths cluster around.
     * @param size          at least this many bytes.
     * @return the text.
     */
    public static byte[] randomLines(final Random random, final int maxLineLength, final int size)
    {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(size + 1024);
        while (out.size() < size)
        {
            final int kind = random.nextInt(10);
            final int length = kind < 4 ? random.nextInt(Math.min(maxLineLength, 80) + 1) :
                kind < 8 ? Math.max(0, maxLineLength - 2 + random.nextInt(5)) :
                    random.nextInt(Math.max(3 * maxLineLength, 3000));
            for (int i = 0; i < length; i++)
            {
                final int b = random.nextInt(40) == 0 ? '\r' : random.nextInt(256);
                out.write(b == '\n' ? 'n' : b);
            }
            final int end = random.nextInt(4);
            if (end == 0)
            {
                out.write('\r');
            }
            if (end < 3)
            {
                out.write('\n');
            }
            else if (random.nextBoolean())
            {
                out.write('\r');
                out.write('\r');
                out.write('\n');
            }
        }
        return out.toByteArray();
    }
}
