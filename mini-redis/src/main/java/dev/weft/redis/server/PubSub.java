package dev.weft.redis.server;

import dev.weft.sync.ChannelClosedException;
import dev.weft.sync.Mpsc;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Channels and patterns to their subscribers. A publisher never waits: each subscriber has a bounded
 * queue of encoded messages, and one whose queue is full is cut off (its connection then closes, as
 * Redis's pub/sub output-buffer limit does) instead of slowing the publisher down.
 */
final class PubSub {
    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PMESSAGE = "pmessage".getBytes(StandardCharsets.US_ASCII);

    private final Map<String, Set<Subscriber>> channels = new ConcurrentHashMap<>();
    private final Map<String, Set<Subscriber>> patterns = new ConcurrentHashMap<>();

    /** One subscribed connection's inbox. */
    static final class Subscriber {
        private final Mpsc.Sender<byte[]> sender;
        final Mpsc.Receiver<byte[]> inbox;
        final int capacity;
        private boolean cutOff;

        Subscriber(int capacity) {
            Mpsc<byte[]> ch = Mpsc.bounded(capacity);
            this.sender = ch.sender();
            this.inbox = ch.receiver();
            this.capacity = capacity;
        }

        /**
         * Queues {@code message} if there is room; if not, cuts this subscriber off (its inbox then
         * ends after what it holds) and returns false. Synchronized: publishers on several workers.
         */
        synchronized boolean offer(byte[] message) {
            if (cutOff) {
                return false;
            }
            try {
                if (sender.trySend(message)) {
                    return true;
                }
            } catch (ChannelClosedException gone) {
                // The connection closed its inbox: it is leaving.
            }
            cutOff = true;
            sender.close();
            return false;
        }

        synchronized boolean isCutOff() {
            return cutOff;
        }
    }

    void subscribe(String channel, Subscriber s) {
        channels.computeIfAbsent(channel, c -> ConcurrentHashMap.newKeySet()).add(s);
    }

    void unsubscribe(String channel, Subscriber s) {
        remove(channels, channel, s);
    }

    void psubscribe(String pattern, Subscriber s) {
        patterns.computeIfAbsent(pattern, c -> ConcurrentHashMap.newKeySet()).add(s);
    }

    void punsubscribe(String pattern, Subscriber s) {
        remove(patterns, pattern, s);
    }

    private static void remove(Map<String, Set<Subscriber>> map, String key, Subscriber s) {
        // Under the map's lock for the key, so an empty set is dropped and never revived by a racing add.
        map.computeIfPresent(key, (k, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Sends {@code payload} to the subscribers of {@code channel} and of every matching pattern; returns
     * how many took it. The message is encoded once per channel and once per matching pattern.
     */
    long publish(String channel, byte[] payload) {
        long received = 0;
        Set<Subscriber> direct = channels.get(channel);
        if (direct != null && !direct.isEmpty()) {
            byte[] message = encode(null, channel, payload);
            for (Subscriber s : direct) {
                received += s.offer(message) ? 1 : 0;
            }
        }
        for (Map.Entry<String, Set<Subscriber>> p : patterns.entrySet()) {
            if (Glob.matches(p.getKey(), channel)) {
                byte[] message = encode(p.getKey(), channel, payload);
                for (Subscriber s : p.getValue()) {
                    received += s.offer(message) ? 1 : 0;
                }
            }
        }
        return received;
    }

    /** Channels with at least one subscriber (PUBSUB CHANNELS). */
    Set<String> activeChannels() {
        return channels.keySet();
    }

    /** {@code *3 message channel payload}, or {@code *4 pmessage pattern channel payload}. */
    private static byte[] encode(String pattern, String channel, byte[] payload) {
        Reply r = new Reply(32 + channel.length() + payload.length + (pattern == null ? 0 : pattern.length()));
        if (pattern == null) {
            r.array(3);
            r.bulk(MESSAGE);
        } else {
            r.array(4);
            r.bulk(PMESSAGE);
            r.bulk(pattern);
        }
        r.bulk(channel);
        r.bulk(payload);
        return r.toArray();
    }
}
