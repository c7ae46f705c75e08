package dev.weft.sync;

/**
 * An intrusive FIFO of waiters, doubly linked so that a cancelled waiter leaves in O(1). Not
 * thread-safe: the primitive that owns it guards it with its lock.
 */
final class WaitList<N extends WaitList.Node<N>> {
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
}
