package dev.weft.internal;

/**
 * One layer of the park stack: how a thread with nothing to run waits for something to happen.
 *
 * <p>The layers nest, as DESIGN.md section 3 says: the I/O driver inside the time driver inside a
 * plain thread park. Each layer's {@code park} does its own work (fire due timers, dispatch readiness)
 * and waits through the layer below with the tightest timeout. The runtime's {@code ThreadPark} is the
 * bottom layer. A multi-thread runtime has one driver stack; one idle worker at a time parks in it,
 * the others on their own {@code ThreadPark}, and every worker also polls it with a zero timeout every
 * 61 polls so events are seen under load.
 *
 * <p>Public because the layers live in several packages (time, I/O); not API.
 */
public interface Park {

    /**
     * Waits until {@link #unpark()} is called or {@code nanos} pass. {@code nanos < 0}: no limit;
     * {@code nanos == 0}: do this layer's work without waiting. Called by one thread at a time.
     *
     * @return whether the parking thread was interrupted meanwhile (the interrupt is cleared, so it
     *     cannot make every later park return at once; the caller decides whether to restore it)
     */
    boolean park(long nanos);

    /** Makes the thread in {@link #park} return, or the next park return at once. Any thread. */
    void unpark();
}
