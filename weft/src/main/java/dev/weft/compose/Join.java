package dev.weft.compose;

import dev.weft.Future;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Waiting for several futures at once, in one task: Tokio's {@code join!} and the futures crate's
 * {@code join_all}/{@code try_join_all}. The futures run concurrently (their waits overlap) but not in
 * parallel: one task polls them all. To run them on several workers, spawn them and join the handles.
 *
 * <pre>{@code
 * List<Page> pages = Join.all(urls.stream().map(client::fetch).toList()).await();   // input order
 *
 * var both = Join.all(users.find(id), orders.forUser(id)).await();   // a Join.Pair
 * render(both.first(), both.second());
 * }</pre>
 *
 * <p>{@code all} waits for every child even after one failed; {@code tryAll} stops at the first failure
 * and cancels the rest (Tokio's {@code try_join!}). For the first child to finish rather than all of
 * them, see {@link Select}.
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

    /** The outputs of a join of two futures, in argument order. */
    public record Pair<A, B>(A first, B second) {
    }

    /** The outputs of a join of three futures, in argument order. */
    public record Triple<A, B, C>(A first, B second, C third) {
    }

    /** The outputs of a join of four futures, in argument order. */
    public record Quadruple<A, B, C, D>(A first, B second, C third, D fourth) {
    }

    /** The outputs of a join of five futures, in argument order. */
    public record Quintuple<A, B, C, D, E>(A first, B second, C third, D fourth, E fifth) {
    }

    /** Tokio's {@code join!(a, b)}: both outputs; failures as in {@link #all(Collection)}. */
    public static <A, B> Future<Pair<A, B>> all(Future<A> a, Future<B> b) {
        return of(false, a, b).map(o -> new Pair<>(at(o, 0), at(o, 1)));
    }

    /** Tokio's {@code try_join!(a, b)}: both outputs; failures as in {@link #tryAll(Collection)}. */
    public static <A, B> Future<Pair<A, B>> tryAll(Future<A> a, Future<B> b) {
        return of(true, a, b).map(o -> new Pair<>(at(o, 0), at(o, 1)));
    }

    /** Three outputs; failures as in {@link #all(Collection)}. */
    public static <A, B, C> Future<Triple<A, B, C>> all(Future<A> a, Future<B> b, Future<C> c) {
        return of(false, a, b, c).map(o -> new Triple<>(at(o, 0), at(o, 1), at(o, 2)));
    }

    /** Three outputs; failures as in {@link #tryAll(Collection)}. */
    public static <A, B, C> Future<Triple<A, B, C>> tryAll(Future<A> a, Future<B> b, Future<C> c) {
        return of(true, a, b, c).map(o -> new Triple<>(at(o, 0), at(o, 1), at(o, 2)));
    }

    /** Four outputs; failures as in {@link #all(Collection)}. */
    public static <A, B, C, D> Future<Quadruple<A, B, C, D>> all(
            Future<A> a, Future<B> b, Future<C> c, Future<D> d) {
        return of(false, a, b, c, d).map(o -> new Quadruple<>(at(o, 0), at(o, 1), at(o, 2), at(o, 3)));
    }

    /** Four outputs; failures as in {@link #tryAll(Collection)}. */
    public static <A, B, C, D> Future<Quadruple<A, B, C, D>> tryAll(
            Future<A> a, Future<B> b, Future<C> c, Future<D> d) {
        return of(true, a, b, c, d).map(o -> new Quadruple<>(at(o, 0), at(o, 1), at(o, 2), at(o, 3)));
    }

    /** Five outputs; failures as in {@link #all(Collection)}. For more, join a collection. */
    public static <A, B, C, D, E> Future<Quintuple<A, B, C, D, E>> all(
            Future<A> a, Future<B> b, Future<C> c, Future<D> d, Future<E> e) {
        return of(false, a, b, c, d, e)
                .map(o -> new Quintuple<>(at(o, 0), at(o, 1), at(o, 2), at(o, 3), at(o, 4)));
    }

    /** Five outputs; failures as in {@link #tryAll(Collection)}. For more, join a collection. */
    public static <A, B, C, D, E> Future<Quintuple<A, B, C, D, E>> tryAll(
            Future<A> a, Future<B> b, Future<C> c, Future<D> d, Future<E> e) {
        return of(true, a, b, c, d, e)
                .map(o -> new Quintuple<>(at(o, 0), at(o, 1), at(o, 2), at(o, 3), at(o, 4)));
    }

    private static Future<List<Object>> of(boolean failFast, Future<?>... futures) {
        return new JoinAll<>(Arrays.asList(futures), failFast);
    }

    @SuppressWarnings("unchecked")
    private static <X> X at(List<Object> outputs, int i) {
        return (X) outputs.get(i);
    }
}
