package dev.weft;

/** {@link Future#failed(Throwable)}: fails on every poll with the same unchecked object. */
record FailedFuture<T>(Throwable failure) implements Future<T> {
    @Override
    public Object poll(Context cx) {
        throw AsyncException.rethrow(failure);
    }
}
