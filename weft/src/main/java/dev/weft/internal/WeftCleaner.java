package dev.weft.internal;

import java.lang.ref.Cleaner;

/** The one {@link Cleaner} (one daemon thread) for everything in Weft that acts on unreachability. */
public final class WeftCleaner {
    /** Shared by the leak detector and the runtime's unobserved-failure reports. */
    public static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "weft-cleaner");
        t.setDaemon(true);
        return t;
    });

    private WeftCleaner() {
    }
}
