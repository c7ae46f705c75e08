package dev.weft.time;

/**
 * A hierarchical timing wheel (DESIGN.md section 3): 6 levels of 64 slots, 1 ms per slot at level 0,
 * 64 times coarser at each level up, so it covers 64^6 ms (about 2.2 years) ahead of its current
 * time; deadlines further out are held at the far end and re-placed as time moves. Time is counted in
 * whole milliseconds ("ticks") from the clock's origin; callers round deadlines up, so a timer never
 * fires early.
 *
 * <p>Insert, cancel and firing are O(1) (amortised for firing: a timer moves down at most five times
 * before it fires). Each slot is an intrusive doubly linked list of {@link Entry} objects, and each
 * level keeps a 64-bit mask of its occupied slots, so finding the next deadline looks at no slot.
 * A cancelled timer is unlinked at once and leaves nothing behind.
 *
 * <p>Not thread-safe: the time driver owns it and calls it under its own lock.
 */
final class TimerWheel {
    static final int LEVELS = 6;
    static final int SLOTS = 64;
    private static final int SLOT_BITS = 6;
    private static final long SLOT_MASK = SLOTS - 1;
    /** The furthest tick ahead that has a place in the wheel. */
    static final long MAX_AHEAD = (1L << (SLOT_BITS * LEVELS)) - 1;

    /** A timer in the wheel: subclassed by whoever needs one (the sleep future's registration). */
    abstract static class Entry {
        /** The tick at which it fires. */
        long deadline;
        Entry prev;
        Entry next;
        /** Where it is linked: level * SLOTS + slot; -1 when not in the wheel. */
        int position = -1;

        /** Whether it is in the wheel now. */
        final boolean isLinked() {
            return position >= 0;
        }

        /** Called by {@link TimerWheel#advance} when its deadline has come; it is unlinked already. */
        abstract void fire();
    }

    private final Entry[] heads = new Entry[LEVELS * SLOTS];
    private final Entry[] tails = new Entry[LEVELS * SLOTS];
    private final long[] occupied = new long[LEVELS];
    private long elapsed;
    private int size;

    /** The wheel's current tick: everything at or before it has fired. */
    long elapsed() {
        return elapsed;
    }

    /** How many timers are in the wheel. */
    int size() {
        return size;
    }

    /**
     * Adds {@code entry} to fire at {@code deadline}. Returns false, and adds nothing, if the deadline
     * has already come (at or before {@link #elapsed()}): the caller treats the timer as fired.
     */
    boolean insert(Entry entry, long deadline) {
        if (entry.isLinked()) {
            throw new IllegalStateException("internal: timer entry inserted twice");
        }
        if (deadline <= elapsed) {
            return false;
        }
        entry.deadline = deadline;
        link(entry);
        size++;
        return true;
    }

    /** Removes {@code entry} if it is in the wheel; O(1). */
    void remove(Entry entry) {
        if (!entry.isLinked()) {
            return;
        }
        unlink(entry);
        size--;
    }

    /**
     * The earliest tick at which {@link #advance} has work to do (a timer fires, or a group of timers
     * moves to a finer level), or -1 if the wheel is empty. A driver sleeps until then.
     */
    long nextWake() {
        for (int level = 0; level < LEVELS; level++) {
            long mask = occupied[level];
            if (mask == 0) {
                continue;
            }
            int shift = level * SLOT_BITS;
            long slotSpan = 1L << shift;
            long levelSpan = slotSpan << SLOT_BITS;
            int now = (int) ((elapsed >>> shift) & SLOT_MASK);
            // Slots at or after the current one, in this level's rotation.
            long rotated = Long.rotateRight(mask, now);
            int distance = Long.numberOfTrailingZeros(rotated);
            long levelStart = elapsed & -levelSpan;
            long slotStart = levelStart + (long) ((now + distance) & SLOT_MASK) * slotSpan;
            if (now + distance >= SLOTS) {
                slotStart += levelSpan; // wrapped into the next rotation of this level
            }
            return Math.max(slotStart, elapsed + 1);
        }
        return -1;
    }

    /**
     * Moves time forward to {@code now}, firing every timer whose deadline is at or before it, in
     * deadline order for timers in different slots (timers of one slot fire in insertion order).
     * Returns how many fired.
     */
    int advance(long now) {
        int fired = 0;
        while (true) {
            long wake = nextWake();
            if (wake < 0 || wake > now) {
                break;
            }
            elapsed = wake;
            fired += processSlotsAt(wake);
        }
        if (now > elapsed) {
            elapsed = now;
        }
        return fired;
    }

    /** Handles every slot whose span starts at {@code tick}: fires level 0, moves the others down. */
    private int processSlotsAt(long tick) {
        int fired = 0;
        for (int level = LEVELS - 1; level >= 0; level--) {
            int shift = level * SLOT_BITS;
            if (level > 0 && (tick & ((1L << shift) - 1)) != 0) {
                continue; // not the start of a slot of this level
            }
            int slot = (int) ((tick >>> shift) & SLOT_MASK);
            if ((occupied[level] & (1L << slot)) == 0) {
                continue;
            }
            Entry e = takeSlot(level, slot);
            while (e != null) {
                Entry next = e.next;
                e.next = null;
                e.prev = null;
                e.position = -1;
                if (e.deadline <= tick) {
                    size--;
                    fired++;
                    e.fire();
                } else {
                    link(e); // a coarser slot's timer: down to a finer level, now that time is closer
                }
                e = next;
            }
        }
        return fired;
    }

    private Entry takeSlot(int level, int slot) {
        int position = level * SLOTS + slot;
        Entry first = heads[position];
        heads[position] = null;
        tails[position] = null;
        occupied[level] &= ~(1L << slot);
        return first;
    }

    private void link(Entry entry) {
        long when = Math.min(entry.deadline, elapsed + MAX_AHEAD);
        int level = levelFor(when);
        int slot = (int) ((when >>> (level * SLOT_BITS)) & SLOT_MASK);
        int position = level * SLOTS + slot;
        Entry tail = tails[position]; // appended: timers of one slot fire in the order they were added
        entry.next = null;
        entry.prev = tail;
        if (tail != null) {
            tail.next = entry;
        } else {
            heads[position] = entry;
        }
        tails[position] = entry;
        entry.position = position;
        occupied[level] |= 1L << slot;
    }

    private void unlink(Entry entry) {
        int position = entry.position;
        if (entry.prev != null) {
            entry.prev.next = entry.next;
        } else {
            heads[position] = entry.next;
        }
        if (entry.next != null) {
            entry.next.prev = entry.prev;
        } else {
            tails[position] = entry.prev;
        }
        if (heads[position] == null) {
            occupied[position / SLOTS] &= ~(1L << (position % SLOTS));
        }
        entry.prev = null;
        entry.next = null;
        entry.position = -1;
    }

    /** The level whose slots are the finest that tell {@code when} apart from {@link #elapsed}. */
    private int levelFor(long when) {
        long masked = (elapsed ^ when) | SLOT_MASK;
        int significant = 63 - Long.numberOfLeadingZeros(masked);
        return Math.min(significant / SLOT_BITS, LEVELS - 1);
    }
}
