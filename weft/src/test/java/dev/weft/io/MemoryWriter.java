package dev.weft.io;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory {@link AsyncWrite} for tests, used by one thread: each write takes at most
 * {@code chunk} bytes, and at most {@code room} bytes in all until {@link #grant} gives more (a write
 * with no room is pending and is woken by the grant). It records the calls it gets, in order.
 */
final class MemoryWriter implements AsyncWrite {
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    final List<String> calls = new ArrayList<>();
    final List<ByteBuffer> srcs = new ArrayList<>();
    private final int chunk;
    private long room = Long.MAX_VALUE;
    private Waker waker;
    int writes;
    boolean shutdown;

    MemoryWriter(int chunk) {
        this.chunk = chunk;
    }

    MemoryWriter() {
        this(Integer.MAX_VALUE);
    }

    /** From now on, writes take at most {@code bytes} more bytes in all until the next grant. */
    void limit(long bytes) {
        room = bytes;
    }

    void grant(long bytes) {
        room += bytes;
        Waker w = waker;
        waker = null;
        if (w != null) {
            w.wake();
        }
    }

    byte[] bytes() {
        return written.toByteArray();
    }

    @Override
    public Future<Integer> write(ByteBuffer src) {
        return new Future<>() {
            @Override
            public Object poll(Context cx) {
                if (shutdown) {
                    throw new IllegalStateException("write after shutdown");
                }
                if (!src.hasRemaining()) {
                    return 0;
                }
                if (room == 0) {
                    waker = cx.waker();
                    return PENDING;
                }
                int n = (int) Math.min(Math.min(src.remaining(), chunk), room);
                byte[] b = new byte[n];
                src.get(b);
                written.writeBytes(b);
                room -= n;
                writes++;
                calls.add("write " + n);
                srcs.add(src);
                return n;
            }
        };
    }

    @Override
    public Future<Void> flush() {
        return cx -> {
            calls.add("flush");
            return null;
        };
    }

    @Override
    public Future<Void> shutdown() {
        return cx -> {
            calls.add("shutdown");
            shutdown = true;
            return null;
        };
    }
}
