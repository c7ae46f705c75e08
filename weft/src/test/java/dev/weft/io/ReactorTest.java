package dev.weft.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.internal.ThreadContext;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpStream;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One I/O driver per worker: where channels are watched, and what that saves. */
class ReactorTest {
    static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    /** Polls a read on {@code reg} once (it waits: nothing was written) and reports where it registered. */
    private static Future<IoDriver[]> waitOnceAndReport(Registration reg) {
        Registration.Waiter waiter = new Registration.Waiter();
        return cx -> {
            long ev = reg.pollReady(Registration.READ, waiter, cx);
            reg.done(waiter, Registration.READ);
            assertThat(ev).as("nothing was written, so the read waits").isEqualTo(-1);
            return new IoDriver[] {reg.boundDriver(), (IoDriver) ThreadContext.current().ioDriver};
        };
    }

    private static Pipe pipe() {
        try {
            return Pipe.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @Timeout(30)
    void aChannelIsWatchedByTheDriverOfTheWorkerWhoseTaskFirstWaitsOnIt() throws IOException {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            List<JoinHandle<IoDriver[]>> tasks = new ArrayList<>();
            List<Pipe> pipes = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Pipe p = pipe();
                pipes.add(p);
                tasks.add(rt.spawn(Weft.async(() -> {
                    Registration reg = Registration.of(p.source(), 0);
                    assertThat(reg.boundDriver()).as("not watched before an operation waits").isNull();
                    return waitOnceAndReport(reg).await();
                })));
            }
            for (JoinHandle<IoDriver[]> t : tasks) {
                IoDriver[] seen = rt.blockOn(t);
                assertThat(seen[1]).as("a worker has a driver of its own").isNotNull();
                assertThat(seen[0]).as("registered with the waiting task's worker").isSameAs(seen[1]);
            }
            // A thread that is not a worker (here, in blockOn) still gets one of the runtime's drivers.
            Pipe p = pipe();
            pipes.add(p);
            IoDriver[] fromOutside = rt.blockOn(Weft.async(() -> waitOnceAndReport(Registration.of(p.source(), 0))
                    .await()));
            assertThat(fromOutside[1]).isNull();
            assertThat(fromOutside[0]).isNotNull();
            assertThat(fromOutside[0].reactor).isSameAs(rt.blockOn((Future<Reactor>) cx -> Reactor.current()));
            for (Pipe q : pipes) {
                q.source().close();
                q.sink().close();
            }
        }
    }

    @Test
    @Timeout(60)
    void tasksOnTheirOwnWorkersRearmInterestWithoutWakingAnySelector() {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            long[] result = rt.blockOn(Weft.async(() -> {
                TcpListener listener = TcpListener.bind(ANY).await();
                JoinHandle<Void> server = Weft.spawn(() -> {
                    try (TcpStream s = listener.accept().await()) {
                        Io.copy(s, s).await();
                    }
                });
                JoinHandle<long[]> client = Weft.spawn(() -> {
                    try (TcpStream c = TcpStream.connect(listener.localAddress()).await()) {
                        ByteBuffer b = ByteBuffer.allocate(8);
                        c.writeAll(b.clear().putLong(-1).flip()).await(); // the server's task is running
                        c.readExact(b.clear()).await();
                        long[] before = Reactor.current().counts();
                        for (long i = 0; i < 2_000; i++) {
                            c.writeAll(b.clear().putLong(i).flip()).await();
                            c.readExact(b.clear()).await();
                            assertThat(b.getLong(0)).isEqualTo(i);
                        }
                        long[] after = Reactor.current().counts();
                        c.shutdownOutput();
                        return new long[] {after[1] - before[1], after[2] - before[2]};
                    }
                });
                long[] counts = client.await();
                server.await();
                return counts;
            }));
            assertThat(result[0]).as("events: the round trips went through the drivers").isGreaterThan(0);
            assertThat(result[1]).as("selector wake-ups made for another thread's interest change").isZero();
        }
    }

    @Test
    @Timeout(30)
    void aWriteAfterShutdownInputStillWaitsForRoomInsteadOfSpinning() {
        // One thread: a write that spun inside its poll would keep the reader from ever running.
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            byte[] data = IoTest.random(8 << 20, 11);
            byte[] got = rt.blockOn(Weft.async(() -> {
                TcpListener listener = TcpListener.bind(ANY).await();
                TcpStream writer = TcpStream.connect(listener.localAddress()).await();
                TcpStream reader = listener.accept().await();
                writer.shutdownInput();
                JoinHandle<Void> w = Weft.spawn(() -> {
                    writer.writeAll(ByteBuffer.wrap(data)).await();
                    writer.shutdownOutput();
                });
                ByteBuffer all = ByteBuffer.allocate(data.length);
                while (reader.read(all).await() > 0) {
                    // until the writer's FIN
                }
                w.await();
                writer.close();
                reader.close();
                return all.array();
            }));
            assertThat(got).isEqualTo(data);
        }
    }
}
