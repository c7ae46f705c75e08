package dev.weft;

/** {@link Future#ready(Object)}: complete from the start. */
record ReadyFuture<T>(T value) implements Future<T> {
    @Override
    public Object poll(Context cx) {
        return value;
    }
}
