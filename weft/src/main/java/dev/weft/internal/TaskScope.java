package dev.weft.internal;

import dev.weft.Context;
import dev.weft.Future;

/**
 * What the core needs from the task it runs in. The runtime's task implements it. Not API.
 */
public interface TaskScope {

    /** The task's context (its waker), for polls the core makes on the task's behalf. */
    Context context();

    /**
     * Takes over a future that was cancelled but could not finish unwinding at once (an async block
     * suspended in a {@code nonCancellable} cleanup, or a started non-cancellable block that its owner
     * dropped): the task polls it, when woken, until it completes, and does not complete before it.
     */
    void adoptUnwinding(Future<?> unwinding);

    /**
     * Called on the polling thread when a continuation starts inside this task's poll: from now on
     * the task must only run on this thread (DESIGN.md section 2, homing).
     */
    void continuationStarted();
}
