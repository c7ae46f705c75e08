package dev.weft.compose;

import dev.weft.Future;
import java.util.Collection;
import java.util.List;

/**
 * Waiting for several futures at once, in one task: Tokio's {@code join!} and the futures crate's
 * {@code join_all}/{@code try_join_all}. The futures run concurrently (their waits overlap) but not in
 * parallel: one task polls them all. To run them on several workers, spawn them and join the handles.
 *
 * <pre>{@code
 * List<Page> pages = Join.all(urls.stream().map(client::fetch).toList()).await();   // input order
 * }</pre>
 *
 * <p>Cost: each child gets its own waker, so after the first poll only the children that were woken
 * are polled again: one wake of one child among 10,000 costs one child poll. Memory is a few small
 * objects per child, allocated when the join is made.
 *
 * <p><b>Cancel safety:</b> cancelling a join cancels every child that has not completed (their
 * cleanup runs); outputs of children that had completed are dropped. So a join is as cancel-safe as
 * the least cancel-safe of its children.
 */
public final class Join {
    private Join() {
    }

    /**
     * A future of every output, in the order of {@code futures} whatever order they complete in. If
     * a child fails, the others still run to completion; then the join fails with the first failure,
     * the later ones attached to it as suppressed exceptions.
     *
     * @throws NullPointerException if {@code futures} or one of its elements is null
     */
    public static <T> Future<List<T>> all(Collection<? extends Future<? extends T>> futures) {
        return new JoinAll<>(futures, false);
    }

    /**
     * Like {@link #all}, but the first failure ends the join at once: every child that has not
     * completed is cancelled (its cleanup runs before the failure reaches the awaiter), and the join
     * fails with that failure.
     *
     * @throws NullPointerException if {@code futures} or one of its elements is null
     */
    public static <T> Future<List<T>> tryAll(Collection<? extends Future<? extends T>> futures) {
        return new JoinAll<>(futures, true);
    }
}
