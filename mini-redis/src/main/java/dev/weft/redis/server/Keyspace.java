package dev.weft.redis.server;

import dev.weft.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The server's one database: keys (Latin-1 strings, one char per byte, so any bytes are a key) to
 * string values, shared by every connection on every worker. A {@link ConcurrentHashMap}: reads take no
 * lock, and each read-modify-write (SET NX, INCR, APPEND) is one atomic {@code compute} on its key.
 *
 * <p>Expiry is lazy (a key found expired on access is removed then) and active: {@link #purgeExpired}
 * walks the keys that have a deadline, a bounded number per call. Time is the Weft clock of the runtime
 * the caller runs on ({@link Instant#now()}), so a test that pauses that clock controls expiry.
 */
final class Keyspace {
    /** A value and its deadline (null: none). Immutable; a write stores a new one. */
    record Entry(byte[] value, Instant expiresAt) {
        boolean expired(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }
    }

    private final ConcurrentHashMap<String, Entry> map = new ConcurrentHashMap<>();
    /** Keys that were given a deadline (some may since have lost it: the purge drops those). */
    private final Set<String> withDeadline = ConcurrentHashMap.newKeySet();
    /** Where the last purge stopped; only the purge task touches it. */
    private Iterator<String> purgeCursor;

    /** The live entry of {@code key}, or null; an expired one is removed on the way. */
    Entry entry(String key) {
        Entry e = map.get(key);
        if (e != null && e.expiresAt != null && e.expired(Instant.now())) {
            map.remove(key, e);
            return null;
        }
        return e;
    }

    byte[] get(String key) {
        Entry e = entry(key);
        return e == null ? null : e.value;
    }

    void put(String key, byte[] value) {
        map.put(key, new Entry(value, null));
    }

    /** Stores {@code e} under {@code key}, noting its deadline for the purge. */
    void put(String key, Entry e) {
        map.put(key, e);
        noteDeadline(key, e);
    }

    /**
     * Atomically replaces the live entry of {@code key} (null if none or expired) by what {@code update}
     * returns (null removes it), and returns what was there before.
     */
    Entry update(String key, UnaryOperator<Entry> update) {
        Entry[] before = new Entry[1];
        Entry after = map.compute(key, (k, old) -> {
            Entry live = old != null && old.expiresAt != null && old.expired(Instant.now()) ? null : old;
            before[0] = live;
            return update.apply(live);
        });
        noteDeadline(key, after);
        return before[0];
    }

    Entry remove(String key) {
        Entry e = map.remove(key);
        return e == null || e.expiresAt != null && e.expired(Instant.now()) ? null : e;
    }

    boolean exists(String key) {
        return entry(key) != null;
    }

    /** Every live key matching {@code pattern} (null: all), in no particular order. */
    List<String> keys(String pattern) {
        Instant now = Instant.now();
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : map.entrySet()) {
            if (!e.getValue().expired(now) && (pattern == null || Glob.matches(pattern, e.getKey()))) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** One SCAN step: the keys it found, and the cursor to go on from (0 when done). */
    record ScanPage(long next, List<String> keys) {
    }

    /**
     * One SCAN step. The cursor is a position in the space of key hashes: each step returns the keys
     * whose hash is at or after it, in hash order, about {@code count} of them (never splitting one
     * hash), so a key present for the whole iteration is returned exactly once, however the map changes
     * between steps. Costs a pass over the keys and a sort of the rest (fine for a mini server).
     */
    ScanPage scan(long cursor, int count, String pattern) {
        List<String> rest = new ArrayList<>();
        for (String k : map.keySet()) {
            if (hash(k) >= cursor) {
                rest.add(k);
            }
        }
        String[] sorted = rest.toArray(new String[0]);
        Arrays.sort(sorted, (a, b) -> Long.compare(hash(a), hash(b)));
        int end = Math.min(count, sorted.length);
        while (end > 0 && end < sorted.length && hash(sorted[end]) == hash(sorted[end - 1])) {
            end++;
        }
        long next = end < sorted.length ? hash(sorted[end - 1]) + 1 : 0;
        Instant now = Instant.now();
        List<String> page = new ArrayList<>(end);
        for (int i = 0; i < end; i++) {
            Entry e = map.get(sorted[i]);
            if (e != null && !e.expired(now) && (pattern == null || Glob.matches(pattern, sorted[i]))) {
                page.add(sorted[i]);
            }
        }
        return new ScanPage(next, page);
    }

    private static long hash(String key) {
        return key.hashCode() & 0xffff_ffffL;
    }

    /** Keys held, counting expired ones not yet removed (as Redis's DBSIZE does). */
    long size() {
        return map.mappingCount();
    }

    void clear() {
        map.clear();
        withDeadline.clear();
    }

    /**
     * Removes expired keys among those with a deadline, looking at no more than {@code budget} of them
     * (it goes on from there next time), so one call never holds its worker long. Returns how many it
     * removed. Called by one task at a time.
     */
    int purgeExpired(int budget) {
        Instant now = Instant.now();
        int removed = 0;
        if (purgeCursor == null || !purgeCursor.hasNext()) {
            purgeCursor = withDeadline.iterator();
        }
        for (int i = 0; i < budget && purgeCursor.hasNext(); i++) {
            String key = purgeCursor.next();
            Entry e = map.get(key);
            boolean hasDeadline = e != null && e.expiresAt != null;
            if (hasDeadline && !e.expired(now)) {
                continue;
            }
            if (hasDeadline && map.remove(key, e)) {
                removed++;
            }
            purgeCursor.remove();
            // A SET ... EX that raced with this put its key in the set before the remove above: look
            // again, so a live deadline is never left untracked.
            Entry again = map.get(key);
            if (again != null && again.expiresAt != null) {
                withDeadline.add(key);
            }
        }
        return removed;
    }

    private void noteDeadline(String key, Entry e) {
        if (e != null && e.expiresAt != null) {
            withDeadline.add(key);
        }
    }

    /** The deadline {@code ttl} from now. */
    static Instant deadline(Duration ttl) {
        return Instant.now().plus(ttl);
    }
}
