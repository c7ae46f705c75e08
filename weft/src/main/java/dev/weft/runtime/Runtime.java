package dev.weft.runtime;

import dev.weft.AsyncBody;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.internal.Park;
import dev.weft.io.Reactor;
import dev.weft.time.Clock;
import dev.weft.time.TimeDriver;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A Weft runtime: a scheduler that runs tasks, entered from ordinary code with {@link #blockOn}.
 *
 * <pre>{@code
 * try (Runtime rt = Runtime.builder().currentThread().build()) {
 *     int sum = rt.blockOn(Weft.async(() -> {
 *         JoinHandle<Integer> a = Weft.spawn(() -> 20);
 *         JoinHandle<Integer> b = Weft.spawn(() -> 22);
 *         return a.await() + b.await();
 *     }));
 * }
 * }</pre>
 *
 * <p>Flavours: {@link Builder#multiThread()} runs tasks on a pool of worker threads that steal work
 * from each other; {@link Builder#currentThread()} runs everything on the thread that calls
 * {@code blockOn}, in a deterministic order. Several runtimes may live side by side, each with its own
 * tasks and threads (for example, one for latency-sensitive traffic and one for bulk work).
 * {@link #run(AsyncBody)} is the one-line entry point of a program. A runtime is {@link AutoCloseable}: {@link #close(Duration)} cancels every task and lets it
 * unwind.
 */
public final class Runtime implements AutoCloseable {
    /** How long {@link #close()} lets cancelled tasks unwind. */
    public static final Duration DEFAULT_CLOSE_DEADLINE = Duration.ofSeconds(10);

    private static final AtomicInteger NAMES = new AtomicInteger();

    private final Handle handle;

    private Runtime(Handle handle) {
        this.handle = handle;
    }

    /** A builder; choose a flavour, then {@link Builder#build()}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs {@code body} as an async block on a new multi-thread runtime with default settings, returns
     * its output, and closes the runtime: the {@code main} of an async program, like Tokio's
     * {@code #[tokio::main]}.
     *
     * <pre>{@code
     * public static void main(String[] args) {
     *     Runtime.run(() -> serve(args).await());
     * }
     * }</pre>
     */
    public static <T> T run(AsyncBody<T> body) {
        try (Runtime rt = builder().multiThread().build()) {
            return rt.blockOn(Weft.async(body));
        }
    }

    /**
     * Runs {@code future} on the calling thread until it completes, running this runtime's tasks
     * meanwhile, and returns its output. Its failure is rethrown as the same object (a checked one
     * wrapped once), with one suppressed {@link AsyncTrace}.
     *
     * <p>Callable from any thread that is not running one of this runtime's (or another runtime's)
     * tasks, virtual threads included. A current-thread runtime is bound to the first thread that calls
     * it. If the runtime is shut down in the background meanwhile, the future is cancelled and this
     * throws {@code CancellationException} once the tasks have unwound.
     *
     * @throws IllegalStateException inside a runtime, on a thread other than the bound one, or after close
     */
    public <T> T blockOn(Future<T> future) {
        return handle.blockOn(future);
    }

    /** Spawns {@code future} on this runtime; see {@link Handle#spawn(Future)}. */
    public <T> JoinHandle<T> spawn(Future<T> future) {
        return handle.spawn(future);
    }

    /** Spawns {@code future} on this runtime as a task named {@code name}; see {@link Handle#spawn(String, Future)}. */
    public <T> JoinHandle<T> spawn(String name, Future<T> future) {
        return handle.spawn(name, future);
    }

    /** This runtime's clock, which its timers run on: to read, or in tests to pause and advance. */
    public Clock clock() {
        return handle.clock();
    }

    /** Every live task with its counters and suspended stack; see {@link Handle#dumpTasks()}. */
    public List<TaskDump> dumpTasks() {
        return handle.dumpTasks();
    }

    /** The handle of this runtime, to spawn onto it from elsewhere. */
    public Handle handle() {
        return handle;
    }

    /** {@link #close(Duration)} with {@link #DEFAULT_CLOSE_DEADLINE}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_DEADLINE);
    }

    /**
     * Shuts down: refuses new tasks, cancels every task, and runs them while they unwind (their
     * {@code finally} blocks, non-cancellable cleanups) until all are done or {@code deadline} passes;
     * logs each task still unfinished with its stack. Idempotent.
     *
     * <p>A current-thread runtime must be closed on its bound thread; use
     * {@link #shutdownBackground()} from elsewhere. A multi-thread runtime's tasks unwind on their own
     * workers; its worker threads end before this returns (unless the deadline passed).
     *
     * @throws IllegalStateException from inside this runtime (it would wait for itself), or from a
     *     thread other than a current-thread runtime's bound one
     */
    public void close(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        if (handle.scheduler.isRuntimeThread()) {
            throw new IllegalStateException("close() was called from inside runtime '" + handle.name() + "': it"
                    + " would wait for the task that called it. Use shutdownBackground() there.");
        }
        handle.scheduler.checkCloseAllowed();
        if (!handle.beginShutdown() && handle.registry.size() == 0) {
            return;
        }
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        handle.scheduler.drainForShutdown(deadline);
        if (handle.io != null) {
            handle.io.close(); // sockets still open belong to tasks that are gone: close them
        }
        if (handle.registry.size() > 0) {
            handle.logLeftovers("still unfinished at shutdown");
        }
        List<String> blockingLeft = handle.blocking.shutdown(deadlineNanos);
        if (!blockingLeft.isEmpty()) {
            System.getLogger("dev.weft.runtime").log(System.Logger.Level.WARNING, "runtime '" + handle.name()
                    + "': " + blockingLeft.size() + " pieces of blocking work had not finished at the shutdown"
                    + " deadline and are left to run on their own (daemon) threads: " + blockingLeft);
        }
    }

    /**
     * Starts a shutdown without waiting for it: refuses new tasks and cancels every task, from any
     * thread, including one of the runtime's own tasks (a server's SHUTDOWN command). The tasks unwind
     * as the runtime is driven; a {@code blockOn} in progress ends with {@code CancellationException}
     * after they have.
     */
    public void shutdownBackground() {
        handle.beginShutdown();
    }

    @Override
    public String toString() {
        return "Runtime[" + handle.name() + "]";
    }

    /** Configures a {@link Runtime}. */
    public static final class Builder {
        private enum Flavour { CURRENT_THREAD, MULTI_THREAD }

        /** Default worker stack: generous, because async block bodies run on the worker's own stack. */
        static final long DEFAULT_STACK_SIZE = 4L << 20;
        static final int DEFAULT_MAX_BLOCKING_THREADS = 512;
        static final Duration DEFAULT_BLOCKING_KEEP_ALIVE = Duration.ofSeconds(10);
        /** The default {@link #blockingThreshold}. */
        public static final long DEFAULT_BLOCKING_THRESHOLD_MILLIS = 100;

        private Flavour flavour;
        private String name;
        private int workerThreads = java.lang.Runtime.getRuntime().availableProcessors();
        private long workerStackSize = DEFAULT_STACK_SIZE;
        private Park driver;
        private BiConsumer<TaskInfo, Throwable> onUnobservedFailure = Handle::logUnobserved;
        private int maxBlockingThreads = DEFAULT_MAX_BLOCKING_THREADS;
        private Duration blockingKeepAlive = DEFAULT_BLOCKING_KEEP_ALIVE;
        private boolean startPaused;
        private boolean autoAdvance = true;
        private Duration blockingThreshold = Duration.ofMillis(DEFAULT_BLOCKING_THRESHOLD_MILLIS);
        private Consumer<BlockingReport> onBlocking = BlockingDetector::log;
        private boolean captureSpawnLocations = Boolean.getBoolean("weft.spawnLocations");

        private Builder() {
        }

        /** Everything runs on the thread that calls {@code blockOn}, in a deterministic order. */
        public Builder currentThread() {
            flavour = Flavour.CURRENT_THREAD;
            return this;
        }

        /**
         * Tasks run on {@link #workerThreads(int)} worker threads that steal work from each other. A task
         * that has started an async block stays on the worker it started on (homing).
         */
        public Builder multiThread() {
            flavour = Flavour.MULTI_THREAD;
            return this;
        }

        /** How many worker threads a multi-thread runtime has. Default: the available processors. */
        public Builder workerThreads(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("workerThreads must be at least 1, got " + count);
            }
            this.workerThreads = count;
            return this;
        }

        /**
         * The stack size of each worker thread, in bytes. Default 4 MiB: an async block's body runs on
         * the worker's stack between awaits.
         */
        public Builder workerStackSize(long bytes) {
            if (bytes < 64 * 1024) {
                throw new IllegalArgumentException("workerStackSize must be at least 64 KiB, got " + bytes);
            }
            this.workerStackSize = bytes;
            return this;
        }

        /** The runtime's name, used in thread names ({@code NAME-worker-N}) and logs. Default: {@code weft-N}. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * The most threads the blocking pool ({@code spawnBlocking}, {@code blockInPlace}) may have at once;
         * work beyond it queues. Default 512.
         */
        public Builder maxBlockingThreads(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxBlockingThreads must be at least 1, got " + max);
            }
            this.maxBlockingThreads = max;
            return this;
        }

        /** How long an idle blocking-pool thread waits for more work before it ends. Default 10 s. */
        public Builder blockingKeepAlive(Duration keepAlive) {
            Objects.requireNonNull(keepAlive, "keepAlive");
            if (keepAlive.isNegative() || keepAlive.isZero()) {
                throw new IllegalArgumentException("blockingKeepAlive must be positive, got " + keepAlive);
            }
            this.blockingKeepAlive = keepAlive;
            return this;
        }

        /**
         * Starts the runtime's {@link Clock} paused (default false): time stands still until a test moves
         * it with {@link Clock#advance(Duration)}, or auto-advance jumps it to the next timer whenever
         * the runtime is idle. For tests of timeouts, retries and expiry that run in milliseconds and the
         * same way every time.
         */
        public Builder startPaused(boolean paused) {
            this.startPaused = paused;
            return this;
        }

        /**
         * Whether a paused clock jumps to the next timer when the runtime is idle (default true); see
         * {@link Clock}. Off, only {@link Clock#advance(Duration)} moves a paused clock. Can be changed
         * later with {@link Clock#setAutoAdvance(boolean)}.
         */
        public Builder autoAdvance(boolean on) {
            this.autoAdvance = on;
            return this;
        }

        /** The driver layer of the park stack, below time (I/O installs its own; tests a fake one). */
        Builder driver(Park driver) {
            this.driver = driver;
            return this;
        }

        /**
         * Called when a task failed and its {@link JoinHandle} became unreachable without anyone awaiting
         * it. Default: logged at WARNING on the {@code dev.weft.runtime} logger. Runs on an internal
         * thread; it must be quick.
         */
        public Builder onUnobservedFailure(BiConsumer<TaskInfo, Throwable> handler) {
            this.onUnobservedFailure = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * How long one poll may run before the runtime's watchdog reports the task as blocking its
         * worker (default {@value #DEFAULT_BLOCKING_THRESHOLD_MILLIS} ms; {@link Duration#ZERO} turns the
         * watchdog off). Multi-thread runtimes only: the watchdog is a daemon thread that looks at every
         * worker four times per threshold, and reports each too-long poll once, while it still runs, with
         * the worker's live stack ({@link BlockingReport}).
         */
        public Builder blockingThreshold(Duration threshold) {
            Objects.requireNonNull(threshold, "threshold");
            if (threshold.isNegative() || !threshold.isZero() && threshold.toMillis() < 1) {
                throw new IllegalArgumentException("the blocking threshold must be 0 (off) or at least 1 ms, not "
                        + threshold);
            }
            this.blockingThreshold = threshold;
            return this;
        }

        /**
         * Called with each {@link BlockingReport}, on the watchdog's thread. Default: logged at WARNING on
         * the {@code dev.weft.runtime} logger, with the worker's stack.
         */
        public Builder onBlocking(Consumer<BlockingReport> handler) {
            this.onBlocking = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Whether each spawn records the source line it was called from, so that a task's failure, the
         * task dump and the console show it ({@link SpawnSite#location()}). Off by default: it walks the
         * stack at every spawn (a few hundred ns each). Without it a task's site still names its body's
         * class, which for a lambda names the class it was written in. The default is taken from the
         * system property {@code weft.spawnLocations} ({@code -Dweft.spawnLocations=true}).
         */
        public Builder captureSpawnLocations(boolean capture) {
            this.captureSpawnLocations = capture;
            return this;
        }

        /**
         * Builds the runtime; a multi-thread runtime's workers start now.
         *
         * @throws IllegalStateException if no flavour was chosen
         */
        public Runtime build() {
            if (flavour == null) {
                throw new IllegalStateException("Choose a runtime flavour first: Runtime.builder().multiThread()"
                        + " or Runtime.builder().currentThread()");
            }
            String n = name != null ? name : "weft-" + NAMES.incrementAndGet();
            // The park stack: time over the builder's driver (tests) or over the I/O driver: the one
            // thread's, or in a multi-thread runtime that of the worker holding the time driver.
            boolean single = flavour == Flavour.CURRENT_THREAD;
            Reactor io = driver == null ? new Reactor(single ? 1 : workerThreads) : null;
            MultiThreadScheduler.HolderIo holderIo = io != null && !single ? new MultiThreadScheduler.HolderIo() : null;
            Park bottom = driver != null ? driver : single ? io.driver(0) : holderIo;
            TimeDriver time = new TimeDriver(bottom, System::nanoTime, startPaused, autoAdvance);
            if (single) {
                CurrentThreadScheduler scheduler = new CurrentThreadScheduler(time);
                Handle handle = new Handle(n, scheduler, onUnobservedFailure);
                handle.captureSpawnLocations = captureSpawnLocations;
                handle.time = time;
                handle.io = io;
                handle.blocking = new BlockingPool(handle, maxBlockingThreads, blockingKeepAlive.toNanos(), n);
                time.setIdleProbe(handle::isIdle);
                scheduler.bindHandle(handle);
                return new Runtime(handle);
            }
            MultiThreadScheduler scheduler = new MultiThreadScheduler(workerThreads, n, workerStackSize, time, io,
                    holderIo);
            Handle handle = new Handle(n, scheduler, onUnobservedFailure);
            handle.captureSpawnLocations = captureSpawnLocations;
            handle.time = time;
            handle.io = io;
            handle.blocking = new BlockingPool(handle, maxBlockingThreads, blockingKeepAlive.toNanos(), n);
            time.setIdleProbe(handle::isIdle);
            scheduler.start(handle, blockingThreshold.isZero() ? null
                    : new BlockingDetector(scheduler, blockingThreshold, onBlocking));
            return new Runtime(handle);
        }
    }
}
