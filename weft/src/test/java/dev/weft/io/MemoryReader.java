package dev.weft.io;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Waker;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory {@link AsyncRead} for tests, used by one thread: it hands out the bytes fed to it in
 * chunks of at most {@code chunk} bytes, is pending (and wakes its last waker on the next feed) when
 * it has none, and reads -1 once closed and drained. It counts its completed reads and remembers the
 * buffers it read into.
 */
final class MemoryReader implements AsyncRead {
    private final ByteArrayOutputStream fed = new ByteArrayOutputStream();
    private final int chunk;
    private byte[] bytes = new byte[0];
    private int pos;
    private boolean closed;
    private Waker waker;
    int reads;
    final List<ByteBuffer> dsts = new ArrayList<>();

    MemoryReader(int chunk) {
        this.chunk = chunk;
    }

    /** A reader of {@code data}, already closed, in chunks of at most {@code chunk} bytes. */
    static MemoryReader of(byte[] data, int chunk) {
        MemoryReader r = new MemoryReader(chunk);
        r.feed(data);
        r.close();
        return r;
    }

    static MemoryReader of(String data, int chunk) {
        return of(data.getBytes(java.nio.charset.StandardCharsets.UTF_8), chunk);
    }

    void feed(byte[] data) {
        fed.writeBytes(data);
        bytes = fed.toByteArray();
        wake();
    }

    void feed(String data) {
        feed(data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    void close() {
        closed = true;
        wake();
    }

    private void wake() {
        Waker w = waker;
        waker = null;
        if (w != null) {
            w.wake();
        }
    }

    @Override
    public Future<Integer> read(ByteBuffer dst) {
        return new Future<>() {
            @Override
            public Object poll(Context cx) {
                if (!dst.hasRemaining()) {
                    return 0;
                }
                int avail = bytes.length - pos;
                if (avail == 0) {
                    if (closed) {
                        return -1;
                    }
                    waker = cx.waker();
                    return PENDING;
                }
                int n = Math.min(Math.min(avail, chunk), dst.remaining());
                dst.put(bytes, pos, n);
                pos += n;
                reads++;
                dsts.add(dst);
                return n;
            }
        };
    }
}
