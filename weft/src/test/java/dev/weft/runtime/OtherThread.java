package dev.weft.runtime;

import java.util.concurrent.atomic.AtomicReference;

/** Runs code on a fresh platform thread of a given name and hands back what it threw. */
final class OtherThread {
    private OtherThread() {
    }

    /** Runs {@code body} on a new thread named {@code name}, waits for it, returns its exception or null. */
    static Throwable failureOf(String name, Runnable body) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, name);
        t.start();
        t.join();
        return thrown.get();
    }
}
