package dev.weft.io;

import dev.weft.Context;
import dev.weft.Future;

/**
 * One non-blocking operation on a registered channel, as a future: it makes its call whenever the
 * channel is ready in its direction, until the call gives a result. The building block of the socket
 * operations; see {@link Registration#pollIo}.
 *
 * <p><b>Cancel safety:</b> cancel-safe when the call is (a read or a write that moves bytes only in
 * the poll that returns their count): cancelling only takes the waiter out of line.
 */
public final class IoFuture<T> implements Future<T> {
    private final Registration reg;
    private final int direction;
    private final String op;
    private final Registration.IoCall call;
    private final Registration.Waiter waiter = new Registration.Waiter();

    /**
     * @param direction {@link Registration#READ} or {@link Registration#WRITE}
     * @param op what the call does, for error messages
     * @param call the non-blocking attempt: a {@code T}, or null for "would block"
     */
    public IoFuture(Registration reg, int direction, String op, Registration.IoCall call) {
        this.reg = reg;
        this.direction = direction;
        this.op = op;
        this.call = call;
    }

    @Override
    public Object poll(Context cx) {
        return reg.pollIo(direction, waiter, cx, op, call);
    }

    @Override
    public void cancel() {
        reg.done(waiter, direction);
    }
}
