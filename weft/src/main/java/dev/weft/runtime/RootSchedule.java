package dev.weft.runtime;

import dev.weft.internal.ThreadContext;

/**
 * The {@link Schedule} of a {@code blockOn} root on a multi-thread runtime: the root future runs on the
 * calling thread (which is its home), and a wake just unparks that thread. One task, one thread.
 */
final class RootSchedule implements Schedule {
    private final ThreadPark park = new ThreadPark();
    private volatile Task<?> ready;

    @Override
    public void schedule(Task<?> task) {
        ready = task;
        park.unpark();
    }

    @Override
    public void scheduleBack(Task<?> task) {
        schedule(task);
    }

    @Override
    public Object homeHere(Task<?> task) {
        return null; // the root only ever runs on the blockOn thread
    }

    /** Runs the root on the calling thread until it completes. */
    void drive(Task<?> root, ThreadContext tc) {
        boolean interrupted = false;
        root.run(tc);
        while (!root.isComplete()) {
            Task<?> t = ready;
            if (t != null) {
                ready = null;
                t.run(tc);
            } else {
                interrupted |= park.park(-1);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
