package dev.weft;

import java.util.Objects;

/**
 * What a poll is given: the {@link Waker} to wake when the polled future can make progress.
 *
 * <p>A task keeps one context for its whole life, so polling allocates nothing. A future must use the
 * waker of the context it is polled with now, not one it saved from an earlier poll (the two may
 * differ when a future moves between owners, e.g. out of a {@code select}).
 *
 * <p>Executors and combinators make contexts with {@link #Context(Waker)}. A waker that lives as long
 * as its context may instead extend this class and be its own context ({@link #Context()}): Weft's
 * tasks do, which saves an object per task.
 */
public class Context {
    private final Waker waker;

    /** A context whose polls wake {@code waker}. Executors and combinators create these. */
    public Context(Waker waker) {
        this.waker = Objects.requireNonNull(waker, "waker");
    }

    /**
     * For a subclass that implements {@link Waker}: the context is its own waker.
     *
     * @throws IllegalStateException if the subclass is not a {@code Waker}
     */
    protected Context() {
        if (!(this instanceof Waker self)) {
            throw new IllegalStateException(getClass().getName() + " extends Context without implementing Waker;"
                    + " use new Context(waker) instead");
        }
        this.waker = self;
    }

    /** The waker to wake when the future polled with this context can make progress. */
    public Waker waker() {
        return waker;
    }
}
