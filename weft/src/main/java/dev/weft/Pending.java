package dev.weft;

/** The one pending sentinel (see {@link Future#PENDING}). An identity, never a value. */
final class Pending {
    static final Pending INSTANCE = new Pending();

    private Pending() {
    }

    @Override
    public String toString() {
        return "Pending";
    }
}
