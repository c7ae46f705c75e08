package dev.weft.bench;

/** Busy work for the "busy" scenarios: Tokio's {@code stall()}, a spin of a few microseconds. */
final class Stall {
    private Stall() {
    }

    /** Spins on this thread for {@code micros} microseconds. */
    static void micros(long micros) {
        long end = System.nanoTime() + micros * 1_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
