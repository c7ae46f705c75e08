package dev.weft.redis.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A message a {@link Subscriber} received.
 *
 * @param channel the channel it was published to
 * @param pattern the pattern it matched, for a subscription made with {@code psubscribe}; else null
 * @param payload the message's bytes (the record keeps the array it is given)
 */
public record Message(String channel, String pattern, byte[] payload) {
    /** A message; {@code channel} and {@code payload} must not be null. */
    public Message {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(payload, "payload");
    }

    /** The payload as UTF-8 text. */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && channel.equals(m.channel) && Objects.equals(pattern, m.pattern)
                && Arrays.equals(payload, m.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(channel, pattern, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "Message[channel=" + channel + (pattern == null ? "" : ", pattern=" + pattern) + ", payload="
                + text() + "]";
    }
}
