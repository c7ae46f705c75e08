package dev.weft.net;

import dev.weft.Future;
import dev.weft.io.BlockingIo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * Host name lookup as a future: Tokio's {@code lookup_host}. The JDK's resolver
 * ({@link InetAddress#getAllByName}, which asks the OS: {@code /etc/hosts}, then DNS) blocks its
 * thread, so the lookup runs on the blocking pool of the runtime that polls the future. An IP literal
 * ({@code "127.0.0.1"}, {@code "::1"}, {@code "[::1]"}) needs no lookup and completes at once.
 *
 * <pre>{@code
 * List<InetSocketAddress> addrs = Dns.lookup("example.com", 443).await();
 * }</pre>
 *
 * <p>The JDK caches answers (30 s for successes and 10 s for failures by default, see the
 * {@code networkaddress.cache.ttl} security property), so a repeated lookup is cheap but a changed
 * record is seen late.
 *
 * <p><b>Cancel safety:</b> cancel-safe: a lookup has no effect besides its answer, which a cancelled
 * future drops (the pool thread finishes the lookup it started).
 */
public final class Dns {
    private Dns() {
    }

    /**
     * A future of the addresses of {@code host}, in the resolver's order (the order to try them in).
     * Nothing happens until it is polled.
     *
     * @throws java.io.UncheckedIOException (from the future) if the host is unknown, with an
     *     {@link java.net.UnknownHostException} cause; the message names the host
     */
    public static Future<List<InetAddress>> lookup(String host) {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host name"); // the JDK would answer with loopback
        }
        InetAddress literal = literal(host);
        if (literal != null) {
            return Future.ready(List.of(literal));
        }
        return BlockingIo.call("lookup", host, () -> List.of(InetAddress.getAllByName(host)));
    }

    /**
     * A future of the socket addresses of {@code host} with {@code port}: {@link #lookup(String)} with
     * the port attached to each address.
     */
    public static Future<List<InetSocketAddress>> lookup(String host, int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return lookup(host).map(addrs -> addrs.stream().map(a -> new InetSocketAddress(a, port)).toList());
    }

    /** {@code host} as an IP address if it is written as one, else null; never a lookup. */
    private static InetAddress literal(String host) {
        String h = host.length() > 2 && host.charAt(0) == '[' && host.endsWith("]")
                ? host.substring(1, host.length() - 1) : host;
        char c = h.charAt(0);
        if (!(Character.digit(c, 16) >= 0 || h.indexOf(':') >= 0)) {
            return null; // cannot be a literal: spare the exception
        }
        try {
            return InetAddress.ofLiteral(h);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
