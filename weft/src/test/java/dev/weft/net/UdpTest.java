package dev.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** UDP on loopback: unconnected and connected round trips. */
class UdpTest {
    static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void datagramsMakeRoundTripsBetweenAnEchoSocketAndAConnectedClient() {
        int rounds = 1_000;
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            int ok = rt.blockOn(Weft.async(() -> {
                UdpSocket server = UdpSocket.bind(ANY).await();
                JoinHandle<Void> echo = Weft.spawn(() -> {
                    ByteBuffer buf = ByteBuffer.allocate(1_500);
                    while (true) {
                        SocketAddress from = server.recvFrom(buf.clear()).await();
                        server.sendTo(buf.flip(), from).await();
                    }
                });
                UdpSocket client = UdpSocket.bind(ANY).await();
                client.connect(server.localAddress());
                ByteBuffer in = ByteBuffer.allocate(1_500);
                int matched = 0;
                for (int i = 0; i < rounds; i++) {
                    ByteBuffer out = ByteBuffer.allocate(4).putInt(i).flip();
                    client.send(out).await();
                    int n = client.recv(in.clear()).await();
                    if (n == 4 && in.getInt(0) == i) {
                        matched++;
                    }
                }
                echo.abort();
                client.close();
                server.close();
                return matched;
            }));
            assertThat(ok).isEqualTo(rounds); // loopback does not drop one-at-a-time datagrams
        }
    }
}
