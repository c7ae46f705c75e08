package dev.weft;

import dev.weft.internal.ThreadContext;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A value scoped to a future and everything it awaits: Weft's counterpart of a thread-local for
 * async code, where one thread runs many tasks and one task may move between threads' turns.
 *
 * <pre>{@code
 * static final TaskLocal<String> REQUEST_ID = TaskLocal.named("request id");
 *
 * Future<Reply> handled = REQUEST_ID.scope(id, Weft.async(() -> {
 *     log("handling " + REQUEST_ID.get());   // seen here, after every await, and in blockInPlace
 *     return handle(request).await();
 * }));
 * }</pre>
 *
 * <p>A binding is set while the scoped future is polled (or cancelled) and taken away when the poll
 * returns, so it follows the future across awaits and threads and never leaks into other tasks.
 * Nothing inherits it: a task spawned inside the scope does not see it, unless asked, with
 * {@link #capture()} and {@link Bindings#scope}. {@code Weft.blockInPlace} carries the bindings to the
 * pool thread that runs its work; {@code spawnBlocking} does not. Thread-locals, by contrast, belong
 * to whichever thread runs the code, and do not follow a task at all.
 *
 * <p>Cost: a scoped poll saves and restores one field, and allocates nothing after the first poll;
 * {@link #get()} walks the bindings in scope (usually one to three).
 *
 * @param <T> the type of the value
 */
public final class TaskLocal<T> {
    private final String name;

    private TaskLocal(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** A new task-local; {@code name} appears in error messages. */
    public static <T> TaskLocal<T> named(String name) {
        return new TaskLocal<>(name);
    }

    /**
     * A future that runs {@code future} with this task-local bound to {@code value} (which may be null).
     * Nested scopes of the same task-local shadow outer ones.
     *
     * <p><b>Cancel safety:</b> that of {@code future}; its cancellation runs with the binding in place.
     */
    public <R> Future<R> scope(T value, Future<R> future) {
        return new Scoped<>(new Binding(this, value, null), Objects.requireNonNull(future, "future"));
    }

    /**
     * The value bound in the innermost scope of this task-local that is being polled on this thread.
     *
     * @throws NoSuchElementException if no scope of it is being polled (say which, and how to set it)
     */
    public T get() {
        Binding b = find();
        if (b == null) {
            throw new NoSuchElementException("TaskLocal '" + name + "' is not set here. Set it for a future with"
                    + " scope(value, future); spawned tasks and spawnBlocking work do not inherit it (pass it"
                    + " on with TaskLocal.capture().scope(future)).");
        }
        @SuppressWarnings("unchecked")
        T value = (T) b.value;
        return value;
    }

    /** Whether a scope of this task-local is being polled on this thread. */
    public boolean isSet() {
        return find() != null;
    }

    private Binding find() {
        for (Binding b = (Binding) ThreadContext.current().taskLocals; b != null; b = b.outer) {
            if (b.local == this) {
                return b;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "TaskLocal[" + name + "]";
    }

    /** Every task-local binding in effect on this thread now, to pass on to another future. */
    public static Bindings capture() {
        return new Bindings((Binding) ThreadContext.current().taskLocals);
    }

    /** A set of captured bindings; see {@link TaskLocal#capture()}. */
    public static final class Bindings {
        private final Binding head;

        private Bindings(Binding head) {
            this.head = head;
        }

        /** A future that runs {@code future} with these bindings (and none other) in effect. */
        public <R> Future<R> scope(Future<R> future) {
            return new Scoped<>(head, Objects.requireNonNull(future, "future"), true);
        }
    }

    /** One binding, linked to the ones it shadows. Immutable once linked. */
    private static final class Binding {
        final TaskLocal<?> local;
        final Object value;
        final Binding outer;

        Binding(TaskLocal<?> local, Object value, Binding outer) {
            this.local = local;
            this.value = value;
            this.outer = outer;
        }
    }

    /** Installs bindings around each poll and the cancel of the wrapped future. */
    private static final class Scoped<R> implements Future<R> {
        private final Binding own;
        private final Future<R> inner;
        /** True for captured bindings, installed as they are; false for one binding over the outer ones. */
        private final boolean replace;
        private Object cachedOuter;
        private Binding cachedChain;

        Scoped(Binding own, Future<R> inner) {
            this(own, inner, false);
        }

        Scoped(Binding own, Future<R> inner, boolean replace) {
            this.own = own;
            this.inner = inner;
            this.replace = replace;
        }

        /** The chain to install over {@code outer}: built once per distinct outer, so polls allocate nothing. */
        private Object chainOver(Object outer) {
            if (replace) {
                return own;
            }
            if (cachedChain == null || cachedOuter != outer) {
                cachedChain = new Binding(own.local, own.value, (Binding) outer);
                cachedOuter = outer;
            }
            return cachedChain;
        }

        @Override
        public Object poll(Context cx) {
            ThreadContext tc = ThreadContext.current();
            Object outer = tc.taskLocals;
            tc.taskLocals = chainOver(outer);
            try {
                return inner.poll(cx);
            } finally {
                tc.taskLocals = outer;
            }
        }

        @Override
        public void cancel() {
            ThreadContext tc = ThreadContext.current();
            Object outer = tc.taskLocals;
            tc.taskLocals = chainOver(outer);
            try {
                inner.cancel();
            } finally {
                tc.taskLocals = outer;
            }
        }
    }
}
