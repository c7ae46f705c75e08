package dev.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.runtime.Runtime;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Host lookup on the blocking pool, and connecting by host name. */
class DnsTest {
    static final String UNKNOWN = "no-such-host.invalid"; // RFC 2606: .invalid never resolves

    @Test
    void localhostResolvesToALoopbackAddressOnBothRuntimes() {
        for (Runtime rt : List.of(Runtime.builder().currentThread().build(), TcpTest.multi())) {
            try (rt) {
                List<InetAddress> addrs = rt.blockOn(Dns.lookup("localhost"));
                assertThat(addrs).isNotEmpty().allMatch(InetAddress::isLoopbackAddress);
                List<InetSocketAddress> sockets = rt.blockOn(Dns.lookup("localhost", 8080));
                assertThat(sockets).allMatch(a -> a.getPort() == 8080 && a.getAddress().isLoopbackAddress());
            }
        }
    }

    @Test
    void anIpLiteralNeedsNoLookupAndSoNoRuntime() {
        Context cx = new Context(() -> { });
        assertThat(Dns.lookup("127.0.0.1").poll(cx)).isEqualTo(List.of(InetAddress.getLoopbackAddress()));
        assertThat((List<?>) Dns.lookup("[::1]").poll(cx)).hasSize(1);
        assertThatThrownBy(() -> Dns.lookup("localhost").poll(cx)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anUnknownHostFailsWithUnknownHostExceptionNamingTheHost() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            assertThatThrownBy(() -> rt.blockOn(Dns.lookup(UNKNOWN)))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(UnknownHostException.class)
                    .hasMessageContaining("lookup " + UNKNOWN);
            assertThatThrownBy(() -> rt.blockOn(TcpStream.connect(UNKNOWN, 80)))
                    .hasCauseInstanceOf(UnknownHostException.class);
        }
    }

    @Test
    void aLookupIsLazy() {
        Future<List<InetAddress>> f = Dns.lookup(UNKNOWN); // outside a runtime: would fail if it ran now
        f.cancel();
    }

    @Test
    void connectByHostNameReachesAListenerOnLoopback() {
        for (Runtime rt : List.of(Runtime.builder().currentThread().build(), TcpTest.multi())) {
            try (rt) {
                String peer = rt.blockOn(Weft.async(() -> {
                    try (TcpListener listener = TcpListener.bind(TcpTest.ANY).await();
                            TcpStream c = TcpStream.connect("localhost", listener.localAddress().getPort()).await();
                            TcpStream s = listener.accept().await()) {
                        assertThat(s.peerAddress()).isEqualTo(c.localAddress());
                        return c.peerAddress().toString();
                    }
                }));
                assertThat(peer).contains("127.0.0.1");
            }
        }
    }

    @Test
    void connectingWhereNobodyListensFailsWithEveryAttemptsError() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            int port = rt.blockOn(Weft.async(() -> {
                try (TcpListener l = TcpListener.bind(TcpTest.ANY).await()) {
                    return l.localAddress().getPort(); // free once closed
                }
            }));
            int addresses = rt.blockOn(Dns.lookup("localhost")).size();
            assertThatThrownBy(() -> rt.blockOn(TcpStream.connect("localhost", port)))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(":" + port)
                    .hasCauseInstanceOf(ConnectException.class)
                    .satisfies(e -> assertThat(connectFailures(e.getSuppressed())).isEqualTo(addresses - 1));
        }
    }

    @Test
    void connectByNameGoesOnPastARefusedAddressAndReportsEveryFailureIfAllFail() {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            rt.blockOn(Weft.async(() -> {
                assertThat(Dns.lookup(TestHostsResolver.TWO_ADDRESSES).await()).hasSize(2);
                int port;
                try (TcpListener listener = TcpListener.bind(TcpTest.ANY).await()) {
                    port = listener.localAddress().getPort();
                    try (TcpStream c = TcpStream.connect(TestHostsResolver.TWO_ADDRESSES, port).await()) {
                        assertThat(c.peerAddress()).isEqualTo(listener.localAddress()); // the second address
                    }
                }
                assertThatThrownBy(() -> TcpStream.connect(TestHostsResolver.TWO_ADDRESSES, port).await())
                        .hasMessageContaining("127.0.0.1:" + port)
                        .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                                .isInstanceOf(UncheckedIOException.class)
                                .extracting(Throwable::getMessage).asString().contains("127.0.0.2:" + port));
            }));
        }
    }

    private static long connectFailures(Throwable[] suppressed) {
        return Arrays.stream(suppressed).filter(UncheckedIOException.class::isInstance).count();
    }
}
