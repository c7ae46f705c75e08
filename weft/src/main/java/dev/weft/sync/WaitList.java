package dev.weft.sync;

import dev.weft.Waker;
import java.util.ArrayList;
import java.util.List;

/**
 * An intrusive FIFO of waiters, doubly linked so that a cancelled waiter leaves in O(1). Not
 * thread-safe: the primitive that owns it guards it with its lock.
 */
final class WaitList<N extends WaitList.Node<N>> {
    /** Hands over a node's waker as it leaves the list (clearing the node's own state); null if none. */
    interface WakerTaker<N> {
        Waker take(N node);
    }

    /** A waiter's links; a waiter is in at most one list. */
    abstract static class Node<N extends Node<N>> {
        N prev;
        N next;
    }

    private N head;
    private N tail;

    /** The longest-waiting node, or null. */
    N first() {
        return head;
    }

    void addLast(N n) {
        n.prev = tail;
        if (tail == null) {
            head = n;
        } else {
            tail.next = n;
        }
        tail = n;
    }

    void remove(N n) {
        if (n.prev == null) {
            head = n.next;
        } else {
            n.prev.next = n.next;
        }
        if (n.next == null) {
            tail = n.prev;
        } else {
            n.next.prev = n.prev;
        }
        n.prev = null;
        n.next = null;
    }

    /** Empties the list and returns its first node; the rest still follow through {@code next}. */
    N takeAll() {
        N all = head;
        head = null;
        tail = null;
        return all;
    }

    /**
     * Empties the list, unlinking every node, and returns the wakers {@code taker} hands over (nulls
     * skipped). Called under the owner's lock; the caller wakes them with {@link #wakeAll} once the
     * lock is released (a waker must not run under a lock the woken task may want).
     */
    List<Waker> drainWakers(WakerTaker<? super N> taker) {
        N w = takeAll();
        if (w == null) {
            return List.of();
        }
        List<Waker> wakers = new ArrayList<>();
        while (w != null) {
            N next = w.next;
            w.next = null;
            w.prev = null;
            Waker k = taker.take(w);
            if (k != null) {
                wakers.add(k);
            }
            w = next;
        }
        return wakers;
    }

    /** Wakes each of {@code wakers}; outside any lock. */
    static void wakeAll(List<Waker> wakers) {
        for (Waker k : wakers) {
            k.wake();
        }
    }
}
