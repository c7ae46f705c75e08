package dev.weft;

import java.util.function.Function;

/**
 * {@link Future#flatMap}: completes the first future, then the one the function makes from its output.
 * Only the polling thread touches the fields.
 */
final class FlatMappedFuture<T, U> implements Future<U> {
    private Future<T> first;
    private Function<? super T, ? extends Future<U>> fn;
    private Future<U> second;

    FlatMappedFuture(Future<T> first, Function<? super T, ? extends Future<U>> fn) {
        this.first = first;
        this.fn = fn;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object poll(Context cx) {
        if (second == null) {
            Object r = first.poll(cx);
            if (r == PENDING) {
                return PENDING;
            }
            second = fn.apply((T) r);
            first = null;
            fn = null;
        }
        return second.poll(cx);
    }

    @Override
    public void cancel() {
        if (second != null) {
            second.cancel();
        } else if (first != null) {
            first.cancel();
        }
    }
}
