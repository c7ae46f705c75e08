package dev.weft.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A worker's local run queue: a fixed ring of {@value #CAPACITY} tasks that its owner pushes to and
 * pops from (FIFO), and that other workers steal half of when they run dry. The algorithm is Tokio's
 * local queue, written here from its description.
 *
 * <h2>Implementation overview</h2>
 * Indices are ever-increasing {@code int}s that wrap; slot {@code i} is {@code buffer[i & MASK]} and
 * differences are taken with wrapping subtraction.
 * <ul>
 *   <li>{@link #tail}: the next slot the owner writes. Only the owner writes it (release); thieves
 *       read it (acquire) to see how many tasks there are.</li>
 *   <li>{@link #head}: two indices packed into one {@code long} so that both change in one CAS.
 *       {@code real} (low half) is the next task to take. {@code steal} (high half) trails it while a
 *       thief is copying: the slots in {@code [steal, real)} have been claimed but not yet copied, so
 *       the owner must not reuse them. With no steal in progress, {@code steal == real}.</li>
 * </ul>
 * <b>Push</b> (owner): if {@code tail - steal < CAPACITY}, write the slot, then publish with a release
 * store of {@code tail}. A full ring moves half of its tasks, plus the new one, to the overflow queue
 * (the runtime's inject queue), claiming them with one CAS of {@code real} (only when no steal is in
 * progress; otherwise there will soon be room).
 * <b>Pop</b> (owner): CAS {@code real} one forward (and {@code steal} with it if they were equal).
 * <b>Steal</b> (thief): phase one CASes {@code real} forward by half of the available tasks, leaving
 * {@code steal} behind, which claims the slots; only one thief at a time (a thief that sees
 * {@code steal != real} gives up). It copies the tasks into its own ring, then phase two CASes
 * {@code steal} up to {@code real}, releasing the slots to the owner. A thief whose own ring still has
 * more than half a ring's worth of slots claimed by a slower thief (the owner's pops move {@code real}
 * but not {@code steal}) does not steal, since the copy could overwrite them.
 *
 * <p>Memory ordering: the owner writes a slot before its release store of {@code tail}; a thief reads
 * {@code tail} with acquire before reading slots, so it sees the tasks. The owner reads {@code head}
 * (volatile) before reusing a slot, and a thief's phase-two CAS comes after its reads of those slots,
 * so a slot is never overwritten while a thief still reads it.
 */
final class StealableRing {
    static final int CAPACITY = 256;
    private static final int MASK = CAPACITY - 1;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(StealableRing.class, "head", long.class);
            TAIL = lookup.findVarHandle(StealableRing.class, "tail", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Task<?>[] buffer = new Task<?>[CAPACITY];
    @SuppressWarnings("unused") // through HEAD
    private volatile long head;
    @SuppressWarnings("unused") // through TAIL
    private volatile int tail;

    private static long pack(int steal, int real) {
        return ((long) steal << 32) | (real & 0xFFFF_FFFFL);
    }

    private static int steal(long head) {
        return (int) (head >>> 32);
    }

    private static int real(long head) {
        return (int) head;
    }

    /** Approximate number of queued tasks; exact when called by the owner with no steal in flight. */
    int size() {
        long h = (long) HEAD.getVolatile(this);
        int t = (int) TAIL.getAcquire(this);
        return Math.max(0, t - real(h));
    }

    boolean isEmpty() {
        return size() == 0;
    }

    /** Owner only: how many pushes fit without overflowing (at least; thieves only free slots). */
    int room() {
        long h = (long) HEAD.getVolatile(this);
        int t = (int) TAIL.getOpaque(this);
        return CAPACITY - (t - steal(h));
    }

    /**
     * Owner only: appends {@code task}; when the ring is full, moves half of it and the task to
     * {@code overflow}.
     */
    void push(Task<?> task, TaskQueue overflow) {
        while (true) {
            long h = (long) HEAD.getVolatile(this);
            int t = (int) TAIL.getOpaque(this); // only this thread writes tail
            if (t - steal(h) < CAPACITY) {
                buffer[t & MASK] = task;
                TAIL.setRelease(this, t + 1);
                return;
            }
            if (steal(h) != real(h)) {
                // A thief is copying; it frees slots soon. Hand this one task to the overflow queue.
                overflow.push(task);
                return;
            }
            if (pushOverflow(task, h, t, overflow)) {
                return;
            }
            // Lost a race with a thief; there may be room now.
        }
    }

    /** Moves the oldest half of a full ring, then {@code task}, to {@code overflow}. */
    private boolean pushOverflow(Task<?> task, long h, int t, TaskQueue overflow) {
        int real = real(h);
        int half = CAPACITY / 2;
        if (!HEAD.compareAndSet(this, h, pack(real + half, real + half))) {
            return false;
        }
        Task<?>[] batch = new Task<?>[half + 1];
        for (int i = 0; i < half; i++) {
            batch[i] = buffer[(real + i) & MASK];
            buffer[(real + i) & MASK] = null;
        }
        batch[half] = task;
        overflow.pushAll(batch);
        return true;
    }

    /** Owner only: takes the oldest task, or returns null if there is none. */
    Task<?> pop() {
        while (true) {
            long h = (long) HEAD.getVolatile(this);
            int real = real(h);
            int t = (int) TAIL.getOpaque(this);
            if (real == t) {
                return null;
            }
            int steal = steal(h);
            long next = steal == real ? pack(real + 1, real + 1) : pack(steal, real + 1);
            if (HEAD.compareAndSet(this, h, next)) {
                Task<?> task = buffer[real & MASK];
                // Clearing is safe: this slot is below both indices now and only the owner writes it.
                buffer[real & MASK] = null;
                return task;
            }
        }
    }

    /**
     * Thief: moves about half of this ring's tasks into {@code dst} (the thief's own ring, which must
     * be empty) and returns one of them to run now. Returns null if there was nothing to take, if
     * another thief is copying from this ring, or if a thief of {@code dst} still holds more than half
     * of its slots; the caller may try again.
     */
    Task<?> stealInto(StealableRing dst) {
        return stealInto(dst, 0);
    }

    /**
     * As {@link #stealInto(StealableRing)}, for a thief that already has {@code thiefQueued} tasks
     * waiting elsewhere (its mailbox): it takes half of the difference, so both sides end up with about
     * as much, and nothing when it has as much as this ring holds. A thief that was held up between
     * finding its mailbox empty and stealing (preempted, on a busy machine) would otherwise take half
     * of a ring that placement had already balanced against its mailbox.
     */
    Task<?> stealInto(StealableRing dst, int thiefQueued) {
        int dstTail = (int) TAIL.getOpaque(dst);
        // Another thief may still be copying slots of dst that it claimed; the owner's pops moved
        // real on but not steal, so those slots can reach up to dst's tail. A steal of up to half a
        // ring fits behind them only if they take at most the other half. (Found by Lincheck.)
        if (dstTail - steal((long) HEAD.getVolatile(dst)) > CAPACITY / 2) {
            return null;
        }
        int n = claimHalf(thiefQueued);
        if (n == 0) {
            return null;
        }
        long h = (long) HEAD.getVolatile(this);
        int from = steal(h); // the start of the claimed run
        for (int i = 0; i < n; i++) {
            dst.buffer[(dstTail + i) & MASK] = buffer[(from + i) & MASK];
        }
        // Phase two: release the slots to the owner.
        while (true) {
            long cur = (long) HEAD.getVolatile(this);
            if (HEAD.compareAndSet(this, cur, pack(real(cur), real(cur)))) {
                break;
            }
        }
        // Run the newest stolen task now; publish the others in the thief's ring.
        int last = dstTail + n - 1;
        Task<?> task = dst.buffer[last & MASK];
        dst.buffer[last & MASK] = null;
        if (n > 1) {
            TAIL.setRelease(dst, last);
        }
        return task;
    }

    /**
     * Phase one of a steal: claims half of the available tasks beyond {@code thiefQueued}; returns how
     * many (0: none, or busy).
     */
    private int claimHalf(int thiefQueued) {
        while (true) {
            long h = (long) HEAD.getVolatile(this);
            int steal = steal(h);
            int real = real(h);
            if (steal != real) {
                return 0; // another thief is copying
            }
            int t = (int) TAIL.getAcquire(this);
            int surplus = t - real - thiefQueued;
            if (surplus <= 0) {
                return 0;
            }
            int n = surplus - surplus / 2;
            if (HEAD.compareAndSet(this, h, pack(steal, real + n))) {
                return n;
            }
        }
    }
}
