package dev.weft;

/** {@link Weft#yieldNow()}: pending once (after waking itself), then ready. */
final class YieldNow implements Future<Void> {
    private boolean yielded;

    @Override
    public Object poll(Context cx) {
        if (yielded) {
            return null;
        }
        yielded = true;
        cx.waker().wake();
        return PENDING;
    }
}
