package dev.weft;

import java.util.function.Function;

/** {@link Future#map}: polls the inner future and applies the function to its output. */
final class MappedFuture<T, U> implements Future<U> {
    private final Future<T> inner;
    private final Function<? super T, ? extends U> fn;

    MappedFuture(Future<T> inner, Function<? super T, ? extends U> fn) {
        this.inner = inner;
        this.fn = fn;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object poll(Context cx) {
        Object r = inner.poll(cx);
        if (r == PENDING) {
            return PENDING;
        }
        return fn.apply((T) r);
    }

    @Override
    public void cancel() {
        inner.cancel();
    }
}
