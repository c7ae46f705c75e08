package dev.weft.time;

import dev.weft.internal.RuntimeServices;
import dev.weft.internal.ThreadContext;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A runtime's clock: the time its timers run on. Normally it follows the system's monotonic clock
 * ({@code System.nanoTime()}). Tests can <b>pause</b> it: then it stands still, and moves only when
 * {@link #advance(Duration)} moves it, or, with <b>auto-advance</b> on (the default), when the runtime
 * has nothing to do: it then jumps straight to the next timer. A test of ten minutes of timeouts and
 * retries runs in milliseconds, and runs the same way every time.
 *
 * <pre>{@code
 * try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
 *     rt.blockOn(Weft.async(() -> {
 *         Instant start = Instant.now();
 *         Weft.sleep(Duration.ofMinutes(10)).await();   // returns at once, in real time
 *         assert start.elapsed().equals(Duration.ofMinutes(10));
 *     }));
 * }
 * }</pre>
 *
 * <h2>When is a runtime idle?</h2>
 * Auto-advance jumps only when no work is ready anywhere in the runtime: on a current-thread runtime,
 * when its thread is about to wait for work; on a multi-thread runtime, when every worker is waiting
 * for work, no thread is inside {@code blockOn} running its future, and no task is queued. Never while
 * work of the blocking pool ({@code spawnBlocking}, {@code blockInPlace}) is queued or running: its
 * result may be what the runtime is waiting for. A wake-up from a thread outside the runtime that
 * arrives while the runtime is idle can race with a jump; drive such tests with auto-advance off and
 * {@link #advance(Duration)}. Turn auto-advance off too when time must not move while a client outside
 * the runtime talks to it between steps (a server test that checks expiry by hand).
 *
 * <p>Threads: every method may be called from any thread. {@link #advance(Duration)} fires the timers
 * that fall due on the calling thread; the tasks they wake run on the runtime's threads afterwards
 * (inside a task, {@code Weft.yieldNow().await()} lets them run first).
 *
 * <p>Instants from different runtimes' clocks, or from a paused clock and the system clock, do not
 * compare meaningfully once a clock has been paused and advanced.
 */
public final class Clock {
    private final LongSupplier source;
    private TimeDriver driver;
    private volatile boolean paused;
    /** While paused: the time it stands at. */
    private volatile long frozenNanos;
    /** While running: what is added to the source (the time skipped while paused). */
    private volatile long offsetNanos;
    private volatile boolean autoAdvance;

    Clock(LongSupplier source, boolean startPaused, boolean autoAdvance) {
        this.source = source;
        this.autoAdvance = autoAdvance;
        if (startPaused) {
            frozenNanos = source.getAsLong();
            paused = true;
        }
    }

    void attach(TimeDriver driver) {
        this.driver = driver;
    }

    /**
     * The clock of the runtime the calling thread is running (a task, a {@code blockOn}, a blocking-pool
     * thread of it), or null on any other thread.
     */
    static Clock ofCurrentRuntime() {
        if (ThreadContext.current().runtime instanceof RuntimeServices services
                && services.timeDriver() instanceof TimeDriver d) {
            return d.clock();
        }
        return null;
    }

    /** The time now on the current runtime's clock, or the system's outside a runtime (nanoseconds). */
    static long currentNanos() {
        Clock c = ofCurrentRuntime();
        return c != null ? c.nanos() : System.nanoTime();
    }

    /** The time now, on the {@code System.nanoTime()} scale plus whatever was skipped while paused. */
    long nanos() {
        if (paused) {
            long frozen = frozenNanos;
            if (paused) {
                return frozen;
            }
        }
        return source.getAsLong() + offsetNanos;
    }

    /** The time now on this clock. Cheap: one {@code System.nanoTime()} call, none while paused. */
    public Instant now() {
        return new Instant(nanos());
    }

    /** Whether the clock is paused. */
    public boolean isPaused() {
        return paused;
    }

    /** Whether a paused clock jumps to the next timer when the runtime is idle. */
    public boolean isAutoAdvance() {
        return autoAdvance;
    }

    /**
     * Turns auto-advance on or off. Off, a paused clock moves only by {@link #advance(Duration)}; on, it
     * also jumps to the next timer whenever the runtime is idle (see the class description).
     */
    public void setAutoAdvance(boolean on) {
        autoAdvance = on;
        if (on) {
            driver.wakeParked(); // let an idle runtime notice that it may jump now
        }
    }

    /**
     * Stops the clock where it is. Timers stop falling due until {@link #advance(Duration)}, an
     * auto-advance, or {@link #resume()}.
     *
     * @throws IllegalStateException if it is already paused
     */
    public void pause() {
        driver.withLock(() -> {
            if (paused) {
                throw new IllegalStateException("the clock is already paused");
            }
            frozenNanos = source.getAsLong() + offsetNanos;
            paused = true;
        });
        driver.wakeParked();
    }

    /**
     * Starts a paused clock again from the time it shows: no time passes for the pause itself.
     *
     * @throws IllegalStateException if it is not paused
     */
    public void resume() {
        driver.withLock(() -> {
            if (!paused) {
                throw new IllegalStateException("the clock is not paused; resume() starts a paused clock");
            }
            offsetNanos = frozenNanos - source.getAsLong();
            paused = false;
        });
        driver.wakeParked(); // the thread parked in the driver plans its sleep by real time again
    }

    /**
     * Moves a paused clock forward by {@code duration} and fires, on the calling thread, every timer
     * that falls due, in deadline order. The tasks they wake run afterwards, on the runtime's threads.
     *
     * @throws IllegalStateException if the clock is not paused
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public void advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("advance(" + duration + "): a clock only moves forward");
        }
        long nanos = TimeDriver.saturatedNanos(duration);
        driver.advancePaused(() -> {
            if (!paused) {
                throw new IllegalStateException("advance() moves a paused clock, and this clock is running."
                        + " Call pause() first, or build the runtime with startPaused(true).");
            }
            frozenNanos = saturatedAdd(frozenNanos, nanos);
        });
    }

    /** While paused, under the driver's lock: moves the clock to {@code nanos} if that is ahead. */
    void jumpTo(long nanos) {
        if (nanos > frozenNanos) {
            frozenNanos = nanos;
        }
    }

    static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    @Override
    public String toString() {
        return "Clock[" + (paused ? "paused" + (autoAdvance ? ", auto-advance" : "") : "running") + "]";
    }
}
