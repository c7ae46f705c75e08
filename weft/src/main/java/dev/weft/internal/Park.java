package dev.weft.internal;

/**
 * One layer of the park stack: how a thread with nothing to run waits for something to happen.
 *
 * <p>The layers nest, as DESIGN.md section 3 says: the time driver on top of the I/O driver, whose
 * {@code select} is the bottom layer (a plain {@code ThreadPark} where a test's fake driver replaces
 * the I/O). Each layer's {@code park} does its own work (fire due timers, dispatch readiness) and waits
 * through the layer below with the tightest timeout. A multi-thread runtime gives each worker its own I/O driver; one
 * idle worker at a time parks through the shared time driver (over its own I/O driver), the others
 * in their own I/O driver, and every worker also polls its stack with a zero timeout every 61 polls so
 * events are seen under load.
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
