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
}
