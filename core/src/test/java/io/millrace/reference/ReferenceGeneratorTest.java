package io.millrace.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.millrace.reference.ReferenceGenerator.SplitMix64;
import io.millrace.reference.WindowModel.Event;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Pins {@link ReferenceGenerator} to the generator's definition (docs/command-line.md). The pinned lines were computed
 * outside Java (Python integers) and are re-derived here by a second, unrelated computation in {@link BigInteger}
 * arithmetic, so a transcription error in either the generator or the constants would be caught.
 */
class ReferenceGeneratorTest {

    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final BigInteger GAMMA = new BigInteger("9E3779B97F4A7C15", 16);
    private static final BigInteger M1 = new BigInteger("BF58476D1CE4E5B9", 16);
    private static final BigInteger M2 = new BigInteger("94D049BB133111EB", 16);

    /** The generator with all defaults: seed 42, keys 10000, rate 1000000, disorder 1, max-delay 2000, start 1.7e12. */
    private static final List<String> FIRST_10_SEED_42 = List.of(
            "1700000000000,k5413",
            "1700000000000,k2291",
            "1700000000000,k3858",
            "1700000000000,k5764",
            "1700000000000,k3250",
            "1700000000000,k9062",
            "1700000000000,k4925",
            "1700000000000,k5908",
            "1700000000000,k2005",
            "1700000000000,k8974");

    /** The first 10 SplitMix64 outputs for seed 42, which the lines above derive from. */
    private static final long[] Z_SEED_42 = {
        0xbdd732262feb6e95L, 0x28efe333b266f103L, 0x47526757130f9f52L, 0x581ce1ff0e4ae394L, 0x09bc585a244823f2L,
        0xde4431fa3c80db06L, 0x37e9671c45376d5dL, 0xccf635ee9e9e2fa4L, 0x5705b8770b3d7dd5L, 0x9e54d738297f77aeL,
    };

    /** SplitMix64 by its definition in unsigned BigInteger arithmetic, computing the i-th state directly. */
    private static BigInteger zBig(long seed, long i) {
        BigInteger s = BigInteger.valueOf(seed).mod(TWO_64);
        BigInteger state = s.add(GAMMA.multiply(BigInteger.valueOf(i + 1))).mod(TWO_64);
        BigInteger z = state;
        z = z.xor(z.shiftRight(30)).multiply(M1).mod(TWO_64);
        z = z.xor(z.shiftRight(27)).multiply(M2).mod(TWO_64);
        return z.xor(z.shiftRight(31));
    }

    /** The generator's event i, computed in BigInteger arithmetic. */
    private static String eventBig(long seed, long keys, long rate, long disorder, long maxDelay, long start, long i) {
        BigInteger z = zBig(seed, i);
        String key = "k" + z.mod(BigInteger.valueOf(keys));
        BigInteger t = BigInteger.valueOf(start).add(BigInteger.valueOf(i).multiply(BigInteger.valueOf(1000))
                .divide(BigInteger.valueOf(rate)));
        if (z.shiftRight(40).mod(BigInteger.valueOf(100)).compareTo(BigInteger.valueOf(disorder)) < 0) {
            t = t.subtract(z.shiftRight(20).mod(BigInteger.valueOf(maxDelay + 1)));
        }
        return t + "," + key;
    }

    private static List<String> lines(List<Event> events) {
        List<String> out = new ArrayList<>();
        for (Event e : events) {
            out.add(ModelCsv.eventLine(e));
        }
        return out;
    }

    @Test
    void splitMix64MatchesKnownVectorForSeedZero() {
        // Vigna's splitmix64.c seeded with 0 first returns 0xE220A8397B1DCDAF.
        assertEquals(0xE220A8397B1DCDAFL, new SplitMix64(0).next());
        assertEquals(new BigInteger("E220A8397B1DCDAF", 16), zBig(0, 0));
    }

    @Test
    void splitMix64MatchesBigIntegerAndSplittableRandom() {
        for (long seed : new long[] {42, 0, -1, 7, Long.MIN_VALUE, Long.MAX_VALUE}) {
            SplitMix64 mine = new SplitMix64(seed);
            // java.util.SplittableRandom(seed).nextLong() is SplitMix64 with the same gamma and finaliser.
            SplittableRandom jdk = new SplittableRandom(seed);
            for (int i = 0; i < 1000; i++) {
                long z = mine.next();
                assertEquals(zBig(seed, i).longValue(), z, "seed " + seed + " output " + i);
                assertEquals(jdk.nextLong(), z, "seed " + seed + " output " + i);
            }
        }
        SplitMix64 r = new SplitMix64(42);
        for (long z : Z_SEED_42) {
            assertEquals(z, r.next());
        }
    }

    @Test
    void firstTenEventsForSeed42WithDefaults() {
        List<Event> events = ReferenceGenerator.defaults().generate(10);
        assertEquals(FIRST_10_SEED_42, lines(events));
        for (int i = 0; i < 10; i++) {
            assertEquals(FIRST_10_SEED_42.get(i), eventBig(42, 10_000, 1_000_000, 1, 2_000, 1_700_000_000_000L, i));
        }
    }

    @Test
    void disorderedEventsAndRateStepsWithDefaults() {
        // With seed 42 the first events moved back in time are 74, 84 and 146 (of the first 2000); the rate of
        // 1000000 events per second advances t by 1 ms every 1000 events.
        List<Event> events = ReferenceGenerator.defaults().generate(2_501);
        assertEquals("1699999999801,k5170", ModelCsv.eventLine(events.get(74)));
        assertEquals("1699999998444,k6643", ModelCsv.eventLine(events.get(84)));
        assertEquals("1699999999516,k265", ModelCsv.eventLine(events.get(146)));
        assertEquals("1700000000000,k7048", ModelCsv.eventLine(events.get(999)));
        assertEquals("1700000000001,k8270", ModelCsv.eventLine(events.get(1000)));
        assertEquals("1700000000001,k4574", ModelCsv.eventLine(events.get(1001)));
        assertEquals("1700000000002,k7060", ModelCsv.eventLine(events.get(2500)));
        for (int i = 0; i < events.size(); i++) {
            assertEquals(eventBig(42, 10_000, 1_000_000, 1, 2_000, 1_700_000_000_000L, i),
                    ModelCsv.eventLine(events.get(i)), "event " + i);
        }
    }

    @Test
    void smallNonDefaultConfiguration() {
        // seed 7, keys 3, rate 1000/s (1 ms per event), disorder 50 %, max delay 5 ms, start 0
        ReferenceGenerator g = ReferenceGenerator.defaults().withSeed(7).withKeys(3).withRate(1_000).withDisorder(50)
                .withMaxDelay(5).withStart(0);
        assertEquals(List.of("0,k0", "1,k0", "2,k0", "0,k0", "1,k1", "5,k0", "2,k1", "3,k0", "8,k2", "9,k2"),
                lines(g.generate(10)));
        List<Event> many = g.generate(500);
        for (int i = 0; i < many.size(); i++) {
            assertEquals(eventBig(7, 3, 1_000, 50, 5, 0, i), ModelCsv.eventLine(many.get(i)), "event " + i);
        }
    }

    @Test
    void keyUsesUnsignedRemainder() {
        // seed -1: the first output 0xE4D971771B652C20 is negative as a signed long; a signed % would give a
        // negative remainder.
        assertEquals(0xE4D971771B652C20L, new SplitMix64(-1).next());
        assertEquals("1700000000000,k3936", ModelCsv.eventLine(ReferenceGenerator.defaults().withSeed(-1)
                .generate(1).get(0)));
    }
}
