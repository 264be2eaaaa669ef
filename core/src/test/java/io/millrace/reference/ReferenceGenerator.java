package io.millrace.reference;

import io.millrace.reference.WindowModel.Event;

import java.util.ArrayList;
import java.util.List;

/**
 * An independent implementation of the event generator ({@code --generate N}, defined in docs/command-line.md), for
 * tests that compare the engine's generated input with the reference model.
 *
 * <p>For {@code i = 0..N-1}, {@code z} is the i-th output (0-based) of SplitMix64 seeded with {@code seed}; then
 * {@code key = "k" + unsignedRemainder(z, keys)}, {@code t = start + (i*1000)/rate}, and if {@code (z>>>40) % 100 <
 * disorder} then {@code t -= (z>>>20) % (maxDelay+1)}.
 *
 * <p>Instances are immutable; each {@code withX} returns a copy. Defaults are the generator's:
 * <pre>{@code
 * List<Event> events = ReferenceGenerator.defaults().withSeed(7).withKeys(100).generate(1_000);
 * }</pre>
 */
public final class ReferenceGenerator {

    /** Default seed. */
    public static final long DEFAULT_SEED = 42;
    /** Default number of distinct keys. */
    public static final long DEFAULT_KEYS = 10_000;
    /** Default rate, events per event-time second. */
    public static final long DEFAULT_RATE = 1_000_000;
    /** Default disorder, percent of events moved back in time. */
    public static final long DEFAULT_DISORDER = 1;
    /** Default maximum delay of a disordered event, ms. */
    public static final long DEFAULT_MAX_DELAY = 2_000;
    /** Default start, epoch ms. */
    public static final long DEFAULT_START = 1_700_000_000_000L;

    private final long seed;
    private final long keys;
    private final long rate;
    private final long disorder;
    private final long maxDelay;
    private final long start;

    private ReferenceGenerator(long seed, long keys, long rate, long disorder, long maxDelay, long start) {
        if (keys <= 0 || rate <= 0 || disorder < 0 || maxDelay < 0) {
            throw new IllegalArgumentException("keys and rate must be > 0, disorder and maxDelay >= 0");
        }
        this.seed = seed;
        this.keys = keys;
        this.rate = rate;
        this.disorder = disorder;
        this.maxDelay = maxDelay;
        this.start = start;
    }

    /** A generator with all of the generator's defaults. */
    public static ReferenceGenerator defaults() {
        return new ReferenceGenerator(DEFAULT_SEED, DEFAULT_KEYS, DEFAULT_RATE, DEFAULT_DISORDER, DEFAULT_MAX_DELAY,
                DEFAULT_START);
    }

    /** {@code --seed}. */
    public ReferenceGenerator withSeed(long seed) {
        return new ReferenceGenerator(seed, keys, rate, disorder, maxDelay, start);
    }

    /** {@code --keys}. */
    public ReferenceGenerator withKeys(long keys) {
        return new ReferenceGenerator(seed, keys, rate, disorder, maxDelay, start);
    }

    /** {@code --rate}, events per event-time second. */
    public ReferenceGenerator withRate(long rate) {
        return new ReferenceGenerator(seed, keys, rate, disorder, maxDelay, start);
    }

    /** {@code --disorder}, percent. */
    public ReferenceGenerator withDisorder(long disorder) {
        return new ReferenceGenerator(seed, keys, rate, disorder, maxDelay, start);
    }

    /** {@code --max-delay}, ms. */
    public ReferenceGenerator withMaxDelay(long maxDelay) {
        return new ReferenceGenerator(seed, keys, rate, disorder, maxDelay, start);
    }

    /** {@code --start}, epoch ms. */
    public ReferenceGenerator withStart(long start) {
        return new ReferenceGenerator(seed, keys, rate, disorder, maxDelay, start);
    }

    /** The first {@code n} events, in generation (= input) order. */
    public List<Event> generate(int n) {
        List<Event> events = new ArrayList<>(n);
        SplitMix64 random = new SplitMix64(seed);
        for (int i = 0; i < n; i++) {
            events.add(event(i, random.next()));
        }
        return events;
    }

    /** The event with index {@code i}, given {@code z}, the i-th SplitMix64 output. */
    Event event(long i, long z) {
        String key = "k" + Long.remainderUnsigned(z, keys);
        long t = start + (i * 1000) / rate;
        if ((z >>> 40) % 100 < disorder) {
            t -= (z >>> 20) % (maxDelay + 1);
        }
        return new Event(t, key);
    }

    /**
     * The standard SplitMix64 generator: the state advances by {@code 0x9E3779B97F4A7C15} before each output, and the
     * output is the state passed through the finaliser {@code z^=z>>>30; z*=0xBF58476D1CE4E5B9; z^=z>>>27;
     * z*=0x94D049BB133111EB; z^=z>>>31} (all arithmetic modulo 2^64).
     */
    public static final class SplitMix64 {
        /** The increment of the state ("golden gamma"). */
        public static final long GAMMA = 0x9E3779B97F4A7C15L;

        private long state;

        /** A generator whose first output is {@code mix(seed + GAMMA)}. */
        public SplitMix64(long seed) {
            this.state = seed;
        }

        /** The next output. */
        public long next() {
            state += GAMMA;
            return mix(state);
        }

        /** The SplitMix64 finaliser. */
        public static long mix(long z) {
            z ^= z >>> 30;
            z *= 0xBF58476D1CE4E5B9L;
            z ^= z >>> 27;
            z *= 0x94D049BB133111EBL;
            z ^= z >>> 31;
            return z;
        }
    }
}
