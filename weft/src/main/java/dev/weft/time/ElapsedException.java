package dev.weft.time;

import java.time.Duration;

/**
 * Thrown by the await of a {@code Weft.timeout(duration, future)} whose future did not finish in time;
 * the future has been cancelled (its cleanup ran) by then. Unchecked, like Tokio's {@code Elapsed}:
 * catch it where a late answer has a useful fallback.
 */
public final class ElapsedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Duration timeout;

    /** An elapsed timeout with {@code message}; {@code timeout} is the time that was given, if known. */
    public ElapsedException(String message, Duration timeout) {
        super(message);
        this.timeout = timeout;
    }

    /** The time the future was given, or null if it was given a deadline instead. */
    public Duration timeout() {
        return timeout;
    }

    /** A duration as a person writes it: {@code 250 ms}, {@code 2 s}, {@code 1.5 s}, {@code 10 min}. */
    static String describe(Duration d) {
        long nanos = TimeDriver.saturatedNanos(d);
        if (nanos % 60_000_000_000L == 0 && nanos >= 60_000_000_000L) {
            return nanos / 60_000_000_000L + " min";
        }
        if (nanos >= 1_000_000_000L) {
            return java.math.BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString() + " s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + " ms";
        }
        return nanos / 1_000L + " µs";
    }
}
