package dev.weft;

/**
 * A hand-written future for tests: pending until {@link #open()}, then ready with null. It keeps the
 * waker of its latest poll and wakes it on open, from any thread, as the poll contract requires.
 */
public final class Gate implements Future<Void> {
    private boolean open;
    private Waker waker;
    private int polls;
    private boolean cancelled;

    @Override
    public synchronized Object poll(Context cx) {
        polls++;
        if (open) {
            return null;
        }
        waker = cx.waker();
        notifyAll();
        return PENDING;
    }

    /**
     * Starts a thread that waits until someone is waiting on the gate, then opens it: a wake that
     * really comes from another thread.
     */
    public Thread openFromAnotherThread() {
        Thread opener = new Thread(() -> {
            synchronized (this) {
                while (waker == null && !open) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            open();
        }, "gate-opener");
        opener.start();
        return opener;
    }

    /** Opens the gate and wakes whoever polled it last. */
    public void open() {
        Waker w;
        synchronized (this) {
            open = true;
            w = waker;
            waker = null;
        }
        if (w != null) {
            w.wake();
        }
    }

    @Override
    public synchronized void cancel() {
        cancelled = true;
        waker = null;
    }

    public synchronized int polls() {
        return polls;
    }

    public synchronized boolean cancelled() {
        return cancelled;
    }

    public synchronized boolean hasWaiter() {
        return waker != null;
    }
}
