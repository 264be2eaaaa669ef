package io.millrace.testing;

/**
 * The standard SplitMix64 generator, written from its published definition (Steele, Lea, Flood 2014; Vigna's
 * {@code splitmix64.c}) as the tests' reference: the state advances by the golden gamma before each output,
 * which is the state passed through the variant-13 finaliser.
 */
public final class SplitMix64
{
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    /**
     * @param seed initial state.
     */
    public SplitMix64(final long seed)
    {
        this.state = seed;
    }

    /**
     * @return the next output.
     */
    public long nextLong()
    {
        state += GOLDEN_GAMMA;
        long z = state;
        z ^= z >>> 30;
        z *= 0xBF58476D1CE4E5B9L;
        z ^= z >>> 27;
        z *= 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return z;
    }
}
