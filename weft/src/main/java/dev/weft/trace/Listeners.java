package dev.weft.trace;

import dev.weft.internal.SpanHooks;
import dev.weft.internal.ThreadContext;
import java.util.Arrays;
import java.util.Collections;
import java.util.Objects;

/**
 * The registered {@link SpanListener}s, and the one dispatcher that the runtime's {@link SpanHooks}
 * calls.
 *
 * <p>The registrations are an array replaced whole under this class's lock (copy on write) and read
 * through one volatile field, so a dispatch takes no lock and sees either the old array or the new
 * one. The dispatcher is installed in {@link SpanHooks} when the first listener is added and removed
 * with the last, under the same lock, so that with no listener the runtime's hook is one volatile
 * read of null.
 */
final class Listeners implements SpanHooks.Listener {
    private static final System.Logger LOG = System.getLogger("dev.weft.trace");
    private static final Trace.Registration[] NONE = {};
    private static final Listeners DISPATCHER = new Listeners();

    private static volatile Trace.Registration[] registered = NONE;

    private Listeners() {
    }

    static synchronized Trace.Registration add(SpanListener listener) {
        Trace.Registration r = new Trace.Registration(listener);
        Trace.Registration[] now = registered;
        Trace.Registration[] next = Arrays.copyOf(now, now.length + 1);
        next[now.length] = r;
        registered = next;
        if (now.length == 0) {
            SpanHooks.install(DISPATCHER);
        }
        return r;
    }

    static synchronized void remove(Trace.Registration r) {
        Trace.Registration[] now = registered;
        int i = Arrays.asList(now).indexOf(r);
        if (i < 0) {
            return;
        }
        Trace.Registration[] next = new Trace.Registration[now.length - 1];
        System.arraycopy(now, 0, next, 0, i);
        System.arraycopy(now, i + 1, next, i, now.length - i - 1);
        registered = next.length == 0 ? NONE : next;
        if (next.length == 0) {
            SpanHooks.install(null);
        }
    }

    @Override
    public void entered(Object span) {
        for (Trace.Registration r : registered) {
            try {
                r.listener.entered((Span) span);
            } catch (Throwable t) {
                failed(r, "entered", t);
            }
        }
    }

    @Override
    public void exited(Object span) {
        Trace.Registration[] rs = registered;
        for (int i = rs.length - 1; i >= 0; i--) { // in reverse: the first to enter is the last to leave
            try {
                rs[i].listener.exited((Span) span);
            } catch (Throwable t) {
                failed(rs[i], "exited", t);
            }
        }
    }

    /** An event in {@code span}, or in the current span if null. */
    static void event(Span span, String call, String message, Object[] keyValues) {
        Objects.requireNonNull(message, "message");
        Span.checkPairs(call, message, keyValues);
        Trace.Registration[] rs = registered;
        if (rs.length == 0) {
            return;
        }
        Span in = span != null ? span : (Span) ThreadContext.current().span;
        Event e = new Event(in, message,
                Collections.unmodifiableMap(Span.fieldsOf(call, message, keyValues)));
        for (Trace.Registration r : rs) {
            try {
                r.listener.event(e);
            } catch (Throwable t) {
                failed(r, "event", t);
            }
        }
    }

    static void recorded(Span span, String key, Object value) {
        for (Trace.Registration r : registered) {
            try {
                r.listener.recorded(span, key, value);
            } catch (Throwable t) {
                failed(r, "recorded", t);
            }
        }
    }

    /** Logs a listener's first failure; the poll it happened in goes on as if nothing happened. */
    private static void failed(Trace.Registration r, String method, Throwable t) {
        if (t instanceof VirtualMachineError fatal) {
            throw fatal;
        }
        if (!r.failureReported) {
            r.failureReported = true;
            LOG.log(System.Logger.Level.WARNING, "The span listener " + r.listener + " threw from " + method
                    + "(); the task it was called for went on. Its later failures are not logged.", t);
        }
    }
}
