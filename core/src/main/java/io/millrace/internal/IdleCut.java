package io.millrace.internal;

/**
 * A producer's way to end an epoch its input leaves open: the operator thread calls it when it finds the ring
 * empty, so that an epoch ends on time while nothing is offered. The producer, holding its side still, checks that
 * the ring is drained, logs the cut and advances its epoch; the operator thread then handles the marker itself,
 * before anything offered after it.
 */
@FunctionalInterface
public interface IdleCut
{
    /**
     * Cuts the open epoch if its interval has passed, the ring is drained and the producer is not busy.
     *
     * @param nowNanos current {@link System#nanoTime()}.
     * @param consumer receives the epoch's marker, on the calling thread, once the producer side is free again.
     * @return 1 when an epoch was cut, else 0.
     */
    int cutWhenIdle(long nowNanos, IngressRing.SlotHandler consumer);
}
