package dev.weft.internal;

/**
 * 128 bytes of fields that are never used, as a superclass: the JVM lays out a superclass's fields
 * before a subclass's, so a subclass's fields start at least two cache lines after whatever object
 * lies before it in memory. For per-worker objects that one thread writes all the time (the worker
 * and its thread context): next to another worker's, every write would steal the other core's cache
 * line. Measured: {@code yield_many} ran at about 100 or about 200 ns per yield from one run to the
 * next before the padding, depending on where the objects had landed. Not API.
 */
@SuppressWarnings("unused")
public abstract class CacheLinePadding {
    private long p00, p01, p02, p03, p04, p05, p06, p07;
    private long p08, p09, p10, p11, p12, p13, p14, p15;

    protected CacheLinePadding() {
    }
}
