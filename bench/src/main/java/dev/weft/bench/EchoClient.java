package dev.weft.bench;

import java.io.EOFException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The load generator of {@link EchoLoad}: the same code drives every server, so the client's cost is
 * the same for all. Plain NIO, no Netty and no Weft: {@code threads} threads each run a selector loop
 * over their share of the connections.
 *
 * <p>Each connection keeps {@code inflight} messages of {@code size} bytes outstanding (closed loop):
 * when the echo of one message is complete, the next is sent. A message's latency runs from the moment
 * it is issued (queued for writing, so time spent waiting for room in the send buffer counts) to the
 * moment the read that completes its echo returns. Echo preserves order, so the k-th message is back
 * once {@code k * size} bytes have come back.
 *
 * <p>Phases, by the clock alone: from the start to {@code measureFrom} is warm-up (echoed bytes are
 * checked against what was sent, so a broken server cannot post a score); messages completed in
 * [{@code measureFrom}, {@code measureTo}) are counted and their latencies recorded; then every
 * connection is closed.
 */
final class EchoClient {
    /** Latencies above this (ns) are clamped: a minute-long round trip means the run is broken anyway. */
    private static final long MAX_LATENCY = 60_000_000_000L;
    private static final int READ_BUFFER = 64 * 1024;

    private EchoClient() {
    }

    /**
     * What one run measured: messages echoed in the window, their latencies (ns), the fewest messages
     * any one connection had echoed (a server that starves some connections shows here first), and the
     * CPU time the client's threads used in the window (to tell the server's share of the process's CPU).
     */
    record Result(long messages, Histogram latencies, long fewestPerConnection, long clientCpuNanos) {
    }

    /**
     * Connects {@code conns} sockets to {@code server} and runs the phases; returns after {@code
     * measureTo} with every socket closed. {@code measureFrom} and {@code measureTo} are
     * {@link System#nanoTime()} instants.
     */
    static Result run(InetSocketAddress server, int conns, int size, int inflight, int threads,
            long measureFrom, long measureTo) throws Exception {
        byte[] message = new byte[size];
        for (int i = 0; i < size; i++) {
            message[i] = (byte) (i * 31 + (i >>> 8)); // no period shorter than the message
        }
        List<Loop> loops = new ArrayList<>();
        for (int t = 0; t < Math.min(threads, conns); t++) {
            loops.add(new Loop(message, inflight, measureFrom, measureTo));
        }
        try {
            for (int c = 0; c < conns; c++) {
                SocketChannel ch = SocketChannel.open(server);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                loops.get(c % loops.size()).conns.add(new Conn(ch, inflight));
            }
        } catch (IOException e) {
            loops.forEach(Loop::closeAll);
            throw e;
        }
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < loops.size(); t++) {
            running.add(Thread.ofPlatform().name("echo-client-" + t).start(loops.get(t)));
        }
        for (Thread t : running) {
            t.join();
        }
        Histogram all = new Histogram(MAX_LATENCY, 3);
        long messages = 0;
        long cpu = 0;
        long fewest = Long.MAX_VALUE;
        for (Loop l : loops) {
            if (l.failure != null) {
                throw new IllegalStateException("the load generator failed: " + l.failure, l.failure);
            }
            all.add(l.latencies);
            messages += l.messages;
            cpu += l.cpuInWindow;
            for (Conn c : l.conns) {
                fewest = Math.min(fewest, c.messages);
            }
        }
        return new Result(messages, all, fewest, cpu);
    }

    /** One connection's counters; touched only by its loop's thread. */
    private static final class Conn {
        final SocketChannel ch;
        SelectionKey key;
        /** Issue times of the outstanding messages, a ring: oldest at {@code head}. */
        final long[] sentAt;
        int head;
        int outstanding;
        /** Bytes of messages issued, written to the socket, read back, and of messages fully back. */
        long issued;
        long written;
        long received;
        long completed;
        /** Messages completed in the measurement window. */
        long messages;

        Conn(SocketChannel ch, int inflight) {
            this.ch = ch;
            this.sentAt = new long[inflight];
        }
    }

    /** A selector loop over some connections, on its own thread. */
    private static final class Loop implements Runnable {
        final List<Conn> conns = new ArrayList<>();
        final byte[] message;
        final int size;
        final int inflight;
        final long measureFrom;
        final long measureTo;
        /** The message repeated, at least twice: any write starts at offset (written % size) in it. */
        final ByteBuffer out;
        final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER);
        final Histogram latencies = new Histogram(MAX_LATENCY, 3);
        long messages;
        long cpuInWindow;
        volatile Throwable failure;

        Loop(byte[] message, int inflight, long measureFrom, long measureTo) {
            this.message = message;
            this.size = message.length;
            this.inflight = inflight;
            this.measureFrom = measureFrom;
            this.measureTo = measureTo;
            int copies = Math.max(2, (READ_BUFFER + size - 1) / size);
            out = ByteBuffer.allocateDirect(copies * size);
            for (int i = 0; i < copies; i++) {
                out.put(message);
            }
        }

        @Override
        public void run() {
            var mx = ManagementFactory.getThreadMXBean();
            try (Selector selector = Selector.open()) {
                long start = System.nanoTime();
                for (Conn c : conns) {
                    c.key = c.ch.register(selector, SelectionKey.OP_READ, c);
                    for (int i = 0; i < inflight; i++) {
                        issue(c, start);
                    }
                    flush(c);
                }
                long cpuFrom = -1;
                while (true) {
                    long now = System.nanoTime();
                    if (cpuFrom < 0 && now >= measureFrom) {
                        cpuFrom = mx.getCurrentThreadCpuTime();
                    }
                    if (now >= measureTo) {
                        break;
                    }
                    long next = now < measureFrom ? measureFrom : measureTo;
                    selector.select(Math.max(1, (next - now) / 1_000_000));
                    for (SelectionKey k : selector.selectedKeys()) {
                        Conn c = (Conn) k.attachment();
                        if (k.isReadable()) {
                            read(c);
                        }
                        if (k.isWritable()) {
                            flush(c);
                        }
                    }
                    selector.selectedKeys().clear();
                }
                cpuInWindow = mx.getCurrentThreadCpuTime() - cpuFrom;
            } catch (Throwable t) {
                failure = t;
            } finally {
                closeAll();
            }
        }

        private void issue(Conn c, long now) {
            c.sentAt[(c.head + c.outstanding) % inflight] = now;
            c.outstanding++;
            c.issued += size;
        }

        private void read(Conn c) throws IOException {
            int n;
            do {
                n = c.ch.read(in.clear());
                if (n < 0) {
                    throw new EOFException("the server closed a connection");
                }
                long now = System.nanoTime();
                if (now < measureFrom) {
                    check(c, n);
                }
                c.received += n;
                while (c.received - c.completed >= size) {
                    c.completed += size;
                    long latency = now - c.sentAt[c.head];
                    c.head = (c.head + 1) % inflight;
                    c.outstanding--;
                    if (now >= measureFrom && now < measureTo) {
                        latencies.recordValue(Math.min(latency, MAX_LATENCY));
                        messages++;
                        c.messages++;
                    }
                    issue(c, now);
                }
            } while (n == in.capacity());
            flush(c);
        }

        /** Warm-up only: the bytes just read must be the message's, at their offsets in the stream. */
        private void check(Conn c, int n) {
            int at = (int) (c.received % size);
            for (int i = 0; i < n; i++) {
                if (in.get(i) != message[at]) {
                    throw new IllegalStateException("the server echoed a wrong byte at stream offset "
                            + (c.received + i));
                }
                at = at + 1 == size ? 0 : at + 1;
            }
        }

        /** Writes what was issued and not yet written, until done or the socket's send buffer is full. */
        private void flush(Conn c) throws IOException {
            while (c.issued > c.written) {
                int from = (int) (c.written % size);
                out.limit((int) Math.min(out.capacity(), from + (c.issued - c.written))).position(from);
                int n = c.ch.write(out);
                if (n == 0) {
                    break;
                }
                c.written += n;
            }
            int want = c.issued > c.written ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
            if (c.key != null && c.key.interestOps() != want) {
                c.key.interestOps(want);
            }
        }

        void closeAll() {
            for (Conn c : conns) {
                try {
                    c.ch.close();
                } catch (IOException ignored) {
                    // closing everything anyway
                }
            }
        }
    }
}
