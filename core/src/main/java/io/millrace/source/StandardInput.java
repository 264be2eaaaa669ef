package io.millrace.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Standard input as a channel whose reads never block: a daemon thread copies {@link System#in} into a pipe
 * whose reading end is non-blocking. A source polling standard input then returns when nothing has arrived, and
 * its query goes on ending epochs on time. One channel serves each {@code System.in} the process has, as the
 * stream itself does: readers opened one after another continue where the last one stopped; a stream set with
 * {@link System#setIn} gets a channel of its own.
 */
final class StandardInput implements ReadableByteChannel
{
    private static final int CHUNK = 64 * 1024;
    /** One channel per stream ever set as {@code System.in}, so that setting an earlier one back continues it. */
    private static final Map<InputStream, StandardInput> CHANNELS = new WeakHashMap<>();

    private final Pipe.SourceChannel pipe;
    private volatile IOException failure;

    private StandardInput(final Pipe.SourceChannel pipe)
    {
        this.pipe = pipe;
    }

    /**
     * @return the process's standard input, started on first use of the current {@code System.in}.
     */
    static synchronized ReadableByteChannel channel()
    {
        final InputStream in = System.in;
        StandardInput instance = CHANNELS.get(in);
        if (null == instance)
        {
            try
            {
                final Pipe pipe = Pipe.open();
                pipe.source().configureBlocking(false);
                final StandardInput input = new StandardInput(pipe.source());
                final Thread pump = new Thread(() -> input.copy(in, pipe.sink()), "millrace-stdin");
                pump.setDaemon(true);
                pump.start();
                CHANNELS.put(in, input);
                instance = input;
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot open standard input: " + ex.getMessage(), ex);
            }
        }
        return instance;
    }

    /**
     * @return bytes read, 0 when none have arrived, -1 at the end of standard input.
     * @throws IOException when reading standard input failed.
     */
    @Override
    public int read(final ByteBuffer destination) throws IOException
    {
        final int read = pipe.read(destination);
        if (read < 0 && null != failure)
        {
            throw failure;
        }
        return read;
    }

    @Override
    public boolean isOpen()
    {
        return pipe.isOpen();
    }

    /**
     * Leaves standard input open: another reader in the process may continue it.
     */
    @Override
    public void close()
    {
    }

    private void copy(final InputStream in, final Pipe.SinkChannel sink)
    {
        final byte[] chunk = new byte[CHUNK];
        final ByteBuffer buffer = ByteBuffer.wrap(chunk);
        try
        {
            int read;
            while ((read = in.read(chunk)) >= 0)
            {
                buffer.clear().limit(read);
                while (buffer.hasRemaining())
                {
                    sink.write(buffer);
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // Set before the pipe closes, so that the reader takes the failure, not the input's end.
            failure = ex instanceof IOException io ? io : new IOException("standard input failed: " + ex, ex);
        }
        finally
        {
            try
            {
                sink.close();
            }
            catch (final IOException ignore)
            {
                // The reading end sees the pipe's end either way.
            }
        }
    }
}
