package dev.weft.slf4j;

import dev.weft.trace.Span;
import dev.weft.trace.SpanListener;
import dev.weft.trace.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Puts the fields of the current span into the SLF4J {@link MDC}, so that log lines written by a task
 * carry them, whatever worker the task runs on.
 *
 * <pre>{@code
 * MdcBridge.install();   // once, at startup
 *
 * Weft.spawn(Span.of("request", "requestId", id).instrument(Weft.async(() -> {
 *     log.info("loading");             // MDC: requestId=<id>, span=request
 *     Row row = db.load(key).await();  // may resume on another worker...
 *     log.info("loaded");              // ...and the MDC there says the same
 *     return row;
 * })));
 * }</pre>
 *
 * <h2>What goes into the MDC</h2>
 * While a span is current on a thread, the MDC holds every field of that span and of its ancestors (on
 * a clash, the field of the span nearer the current one wins), and the key {@code span} holds the
 * current span's name unless one of those fields is called {@code span}. Values go in as
 * {@link String#valueOf}; a null value takes its key out. A field {@linkplain Span#record recorded}
 * while its span is the innermost one entered on this thread (or an ancestor of it) shows at once.
 *
 * <h2>Why per poll</h2>
 * The MDC belongs to a thread, and a worker thread runs many tasks, one poll at a time; a task may
 * run its next poll on another worker. So the fields are put in when the span becomes current (at the
 * start of each poll of a task in it, of an instrumented future, or of a scope) and taken out when it
 * stops being current: the values the keys had before, if any, are restored exactly. Another task
 * polled on that worker afterwards sees none of them, and an instrumented future awaited inside a
 * task puts its span's fields over the task's and restores the task's after.
 *
 * <p>Values that the task's own code puts into the MDC directly stay on the worker after the poll and
 * leak into other tasks: put them in span fields instead.
 *
 * <p>Cost, while installed: at each entry, a walk up the span's ancestors and an MDC get and put per
 * key; at each exit, an MDC put or remove per key; a few small objects per entry. Nothing at all when
 * not installed (beyond the one volatile read that any task with a span costs).
 */
public final class MdcBridge {
    /** The MDC key for the current span's name. */
    public static final String SPAN_KEY = "span";

    private static int installs;
    private static Trace.Registration registration;

    private MdcBridge() {
    }

    /**
     * Installs the bridge, for every runtime in this JVM. Idempotent: the bridge is installed once
     * however often this is called, and stays until every installation returned has been closed.
     *
     * <p>Close installations when nothing is being polled (in tests, or at shutdown): a poll in progress
     * when the last one closes keeps its fields in its thread's MDC.
     */
    public static synchronized Installation install() {
        if (installs++ == 0) {
            registration = Trace.addListener(new MdcListener());
        }
        return new Installation();
    }

    /** Whether the bridge is installed. */
    public static synchronized boolean isInstalled() {
        return installs > 0;
    }

    private static synchronized void uninstall() {
        if (--installs == 0) {
            registration.close();
            registration = null;
        }
    }

    /** One call's share of the bridge: closing it uninstalls the bridge if no other installation is open. */
    public static final class Installation implements AutoCloseable {
        private boolean closed;

        private Installation() {
        }

        /** Gives up this installation. Idempotent. */
        @Override
        public void close() {
            synchronized (MdcBridge.class) {
                if (closed) {
                    return;
                }
                closed = true;
                uninstall();
            }
        }
    }

    /**
     * Keeps, per thread, a stack of the spans entered there, each with the MDC values it replaced.
     *
     * <p>Entries and exits come in nested pairs on one thread, so a stack is enough. It also survives
     * misuse: an exit pops every entry above the span's own (restoring each), so a scope held across
     * an await is undone when its task's poll ends; an exit of a span not on this thread's stack (the
     * other half of that scope, or a poll that was in progress when the bridge was installed) changes
     * nothing.
     */
    private static final class MdcListener implements SpanListener {
        private static final ThreadLocal<ArrayList<Frame>> STACK = ThreadLocal.withInitial(ArrayList::new);

        @Override
        public void entered(Span span) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (Span s = span; s != null; s = s.parent().orElse(null)) {
                for (Map.Entry<String, Object> e : s.fields().entrySet()) {
                    if (!values.containsKey(e.getKey())) {
                        values.put(e.getKey(), e.getValue());
                    }
                }
            }
            if (!values.containsKey(SPAN_KEY)) {
                values.put(SPAN_KEY, span.name());
            }
            Frame f = new Frame(span, values.size());
            for (Map.Entry<String, Object> e : values.entrySet()) {
                f.set(e.getKey(), e.getValue());
            }
            STACK.get().add(f);
        }

        @Override
        public void exited(Span span) {
            ArrayList<Frame> stack = STACK.get();
            int i = stack.size() - 1;
            while (i >= 0 && stack.get(i).span != span) {
                i--;
            }
            for (int top = stack.size() - 1; top >= i && i >= 0; top--) {
                stack.remove(top).restore();
            }
        }

        @Override
        public void recorded(Span span, String key, Object value) {
            ArrayList<Frame> stack = STACK.get();
            if (stack.isEmpty()) {
                return;
            }
            Frame top = stack.getLast();
            for (Span s = top.span; s != null; s = s.parent().orElse(null)) {
                if (s == span) {
                    top.set(key, value);
                    return;
                }
                if (s.fields().containsKey(key)) {
                    return; // a span nearer the current one has this key: its value wins
                }
            }
        }
    }

    /** One entered span: the keys it set, and what each of them held before (null: absent). */
    private static final class Frame {
        final Span span;
        private String[] keys;
        private String[] before;
        private int size;

        Frame(Span span, int capacity) {
            this.span = span;
            this.keys = new String[Math.max(capacity, 1)];
            this.before = new String[keys.length];
        }

        /** Sets {@code key} in the MDC, remembering its value from before this frame the first time. */
        void set(String key, Object value) {
            if (indexOf(key) < 0) {
                if (size == keys.length) {
                    keys = Arrays.copyOf(keys, size * 2);
                    before = Arrays.copyOf(before, size * 2);
                }
                keys[size] = key;
                before[size] = MDC.get(key);
                size++;
            }
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, String.valueOf(value));
            }
        }

        private int indexOf(String key) {
            for (int i = 0; i < size; i++) {
                if (keys[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }

        /** Puts back every key as it was before this frame. */
        void restore() {
            for (int i = size - 1; i >= 0; i--) {
                if (before[i] == null) {
                    MDC.remove(keys[i]);
                } else {
                    MDC.put(keys[i], before[i]);
                }
            }
        }
    }
}
