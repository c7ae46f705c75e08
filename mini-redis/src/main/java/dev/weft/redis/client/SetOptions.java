package dev.weft.redis.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The options of a {@code SET}: an expiry ({@code EX}/{@code PX}) or {@code KEEPTTL}, and a condition
 * ({@code NX}/{@code XX}). Immutable; each method returns a copy with one more option:
 *
 * <pre>{@code
 * boolean taken = client.set("lock", "me", SetOptions.defaults().ex(30).nx()).await();
 * }</pre>
 *
 * <p>{@code GET} is not an option here because it changes what the command returns: it is
 * {@link Client#setAndGet}.
 *
 * @param ttl the time to live to give the key, or null for none; sent as {@code EX} when it is whole
 *     seconds, else as {@code PX} (in whole milliseconds, rounded down)
 * @param condition when to set the key
 * @param keepsTtl whether an existing key keeps its time to live ({@code KEEPTTL}) rather than losing it
 */
public record SetOptions(Duration ttl, Condition condition, boolean keepsTtl) {
    private static final SetOptions DEFAULTS = new SetOptions(null, Condition.ALWAYS, false);

    /** When a {@code SET} sets the key. */
    public enum Condition {
        /** Whether or not the key exists (no option sent). */
        ALWAYS,
        /** Only if the key does not exist ({@code NX}). */
        NX,
        /** Only if the key exists ({@code XX}). */
        XX
    }

    /**
     * Options as given; {@link #defaults()} and the methods that add one option read better.
     *
     * @throws IllegalArgumentException if {@code ttl} is under a millisecond, or is given together with
     *     {@code keepsTtl}
     */
    public SetOptions {
        Objects.requireNonNull(condition, "condition");
        if (ttl != null && ttl.toMillis() < 1) {
            throw new IllegalArgumentException("a SET expiry must be at least 1 ms, got " + ttl);
        }
        if (ttl != null && keepsTtl) {
            throw new IllegalArgumentException("a SET cannot both set an expiry (" + ttl + ") and keep the old one"
                    + " (KEEPTTL)");
        }
    }

    /** No options: a plain {@code SET key value}. */
    public static SetOptions defaults() {
        return DEFAULTS;
    }

    /** These options with an expiry of {@code seconds} ({@code EX}). */
    public SetOptions ex(long seconds) {
        return new SetOptions(Duration.ofSeconds(seconds), condition, keepsTtl);
    }

    /** These options with an expiry of {@code millis} ({@code PX}). */
    public SetOptions px(long millis) {
        return new SetOptions(Duration.ofMillis(millis), condition, keepsTtl);
    }

    /** These options, setting the key only if it does not exist ({@code NX}). */
    public SetOptions nx() {
        return new SetOptions(ttl, Condition.NX, keepsTtl);
    }

    /** These options, setting the key only if it exists ({@code XX}). */
    public SetOptions xx() {
        return new SetOptions(ttl, Condition.XX, keepsTtl);
    }

    /** These options, keeping the key's time to live ({@code KEEPTTL}). */
    public SetOptions keepTtl() {
        return new SetOptions(ttl, condition, true);
    }

    /** The options as the words that follow {@code SET key value}. */
    List<String> words() {
        List<String> words = new ArrayList<>(3);
        if (ttl != null) {
            long millis = ttl.toMillis();
            if (millis % 1000 == 0) {
                words.addAll(List.of("EX", Long.toString(millis / 1000)));
            } else {
                words.addAll(List.of("PX", Long.toString(millis)));
            }
        }
        if (keepsTtl) {
            words.add("KEEPTTL");
        }
        if (condition != Condition.ALWAYS) {
            words.add(condition.name());
        }
        return words;
    }
}
