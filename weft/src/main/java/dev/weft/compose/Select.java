package dev.weft.compose;

import dev.weft.AsyncBody;
import dev.weft.AsyncException;
import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.internal.ReadyQueue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Waits for the first of several futures and runs the arm of the one that finished: Tokio's
 * {@code select!}, as a builder.
 *
 * <pre>{@code
 * String r = Select.<String>fair()
 *         .on(Weft.sleep(Duration.ofSeconds(1)), v -> "timed out")
 *         .onNonNull(replies.recv(), reply -> "got " + reply)        // null (closed) disables the branch
 *         .on(shutdown.cancelled(), v -> "shutting down")
 *         .await();
 * }</pre>
 *
 * <h2>What runs when</h2>
 * Each branch is a future; nothing runs until the select is awaited (or polled). Then the branches
 * are polled, each with a waker of its own, and the first one to complete wins: every other branch the
 * select owns is cancelled (its cleanup, {@code finally} blocks included, runs before the arm), and the
 * winner's arm runs with the output. Arms run in the awaiting async block, so they may {@code await}
 * themselves; they are plain code after the select, not part of the race. A branch that throws fails
 * the select with that failure (the other owned branches are cancelled first).
 *
 * <h2>Fairness</h2>
 * {@link #fair()} starts each poll at a random branch, so when several are ready each wins about as
 * often as the others: a branch that is always ready cannot starve the rest. {@link #fair(RandomGenerator)}
 * takes the generator (seed it for a repeatable test; share one across the selects of a loop).
 * {@link #biased()} polls in the order the branches were added, so the first ready branch always wins:
 * cheaper, and right when order means priority (a shutdown signal before work).
 *
 * <h2>Cost</h2>
 * Building a select allocates a few objects per branch. The first poll polls every enabled branch;
 * after that a poll looks only at the branches woken since their last poll, so a wake of one branch
 * among 10,000 costs one branch poll, not 10,000.
 *
 * <h2>Branches the select owns and branches it borrows</h2>
 * A branch added with {@link #on} or {@link #onNonNull} belongs to the select: if it loses, it is
 * cancelled, and whatever it was half-way through is abandoned. That is the hazard the talk warns of:
 * a losing branch that had read half a message, or copied half a file, loses that work. Only put a
 * future in a select if cancelling it part-way is acceptable ("cancel-safe": each Weft operation says
 * whether it is; a channel receive is, a {@code readExact} is not). A future that must keep its
 * progress across selects goes in a {@link Fuse} and is added with {@link #onBorrowed}: losing leaves it
 * untouched for the next select, and once it has finished, its branch is disabled.
 *
 * <h2>Disabled branches</h2>
 * A branch is disabled when its fuse has terminated ({@link #onBorrowed}) or when its future completed
 * with null ({@link #onNonNull}: a closed channel). To leave a branch out on a condition (Tokio's
 * {@code , if cond}), do not add it. When every branch is disabled, the {@link #otherwise} arm runs (Tokio's
 * {@code else}); without one, the select fails with {@link IllegalStateException}.
 *
 * <p><b>Cancel safety:</b> cancelling a select before it completed cancels the branches it owns (not
 * the borrowed ones). A select is as cancel-safe as its owned branches.
 *
 * <p>A select is single use: build it, await it once.
 *
 * @param <R> the type of the arms' results
 */
public final class Select<R> implements Future<R> {

    /**
     * What runs with the output of the winning branch. It runs in the awaiting async block, so it may
     * await; a checked exception it throws is wrapped once, as in an async block.
     */
    @FunctionalInterface
    public interface Arm<T, R> {
        R apply(T output) throws Exception;
    }

    private enum Kind { OWNED, OWNED_NON_NULL, BORROWED }

    private record Branch(Future<?> future, Arm<Object, ?> arm, Kind kind) {
    }

    private static final int OTHERWISE = -1;
    private static final int NEW = 0;
    private static final int POLLING = 1;
    private static final int CHOSEN = 2;
    private static final int DONE = 3;

    private final boolean biased;
    private final RandomGenerator random; // null: ThreadLocalRandom of the polling thread
    private final List<Branch> building = new ArrayList<>();
    private AsyncBody<? extends R> otherwise;

    private Branch[] branches;
    private boolean[] disabled;
    private int enabled;
    private final ReadyQueue<Void> ready = new ReadyQueue<>();
    private ReadyQueue.Member<?>[] members;
    private int[] scratch; // the woken branches of the poll in progress; made by the second poll
    private int state = NEW;
    private Object winnerOutput;
    private final Future<Integer> choice = new Future<>() {
        @Override
        public Object poll(Context cx) {
            return pollChoice(cx);
        }

        @Override
        public void cancel() {
            abandon();
        }
    };
    private Future<R> driver;

    private Select(boolean biased, RandomGenerator random) {
        this.biased = biased;
        this.random = random;
    }

    /** A select that starts each poll at a random branch (Tokio's default). */
    public static <R> Select<R> fair() {
        return new Select<>(false, null);
    }

    /**
     * A fair select whose random starts come from {@code random}: seed it for a repeatable test. Share
     * one generator across the selects of a loop; a fresh generator with the same seed per select
     * would start every select at the same branch.
     */
    public static <R> Select<R> fair(RandomGenerator random) {
        return new Select<>(false, Objects.requireNonNull(random, "random"));
    }

    /** A select that polls its branches in the order they were added: the first ready branch wins. */
    public static <R> Select<R> biased() {
        return new Select<>(true, null);
    }

    /**
     * The first of {@code futures} to complete, with its output; the others are cancelled (their
     * cleanup runs). Fair: when several are ready at once, each wins equally often. A failure of the
     * first to finish is the race's failure.
     *
     * @throws IllegalArgumentException if {@code futures} is empty
     */
    public static <T> Future<T> race(Collection<? extends Future<? extends T>> futures) {
        if (futures.isEmpty()) {
            throw new IllegalArgumentException("a race needs at least one future");
        }
        Select<T> s = fair();
        for (Future<? extends T> f : futures) {
            s.on(f, v -> v);
        }
        return s;
    }

    /** {@link #race(Collection)} of the arguments. */
    @SafeVarargs
    public static <T> Future<T> race(Future<? extends T>... futures) {
        return race(Arrays.asList(futures));
    }

    /** Adds a branch the select owns: cancelled if another branch wins. */
    public <T> Select<R> on(Future<T> branch, Arm<? super T, ? extends R> arm) {
        return add(branch, arm, Kind.OWNED);
    }

    /**
     * Adds a branch the select owns whose null output disables it instead of winning: Tokio's
     * {@code Some(v) = rx.recv()}, for Weft's channels, whose receive completes with null once closed.
     */
    public <T> Select<R> onNonNull(Future<T> branch, Arm<? super T, ? extends R> arm) {
        return add(branch, arm, Kind.OWNED_NON_NULL);
    }

    /**
     * Adds a branch the select borrows: if it loses it is left as it is, progress kept, for a later
     * select; if it has terminated, the branch is disabled.
     */
    public <T> Select<R> onBorrowed(Fuse<T> branch, Arm<? super T, ? extends R> arm) {
        return add(branch, arm, Kind.BORROWED);
    }

    /** The arm to run when every branch is disabled (Tokio's {@code else}). */
    public Select<R> otherwise(AsyncBody<? extends R> arm) {
        requireNew();
        this.otherwise = Objects.requireNonNull(arm, "arm");
        return this;
    }

    @SuppressWarnings("unchecked")
    private <T> Select<R> add(Future<T> branch, Arm<? super T, ? extends R> arm, Kind kind) {
        requireNew();
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(arm, "arm");
        building.add(new Branch(branch, (Arm<Object, ?>) arm, kind));
        return this;
    }

    private void requireNew() {
        if (state != NEW || driver != null) {
            throw new IllegalStateException("this select has started; add every branch before awaiting it");
        }
    }

    /**
     * Waits for the first branch to complete, then runs its arm here, in the awaiting block (so the arm
     * may await), and returns what the arm returns.
     */
    @Override
    @SuppressWarnings("unchecked")
    public R await() {
        int w = choice.await();
        Object output = winnerOutput;
        winnerOutput = null;
        state = DONE;
        try {
            if (w == OTHERWISE) {
                return otherwise.run();
            }
            return (R) branches[w].arm().apply(output);
        } catch (Throwable failure) {
            throw AsyncException.rethrow(failure);
        }
    }

    /**
     * Polls the select as a plain future. Its arms may await, so they run in an async block that this
     * creates on the first poll; {@link #await()} from a block needs none.
     */
    @Override
    public Object poll(Context cx) {
        if (driver == null) {
            if (state != NEW) {
                throw new IllegalStateException("this select is being awaited; poll or await it, not both");
            }
            AsyncBody<R> body = this::await;
            driver = Weft.async(body);
        }
        return driver.poll(cx);
    }

    /** Cancels the select and every branch it owns that has not completed; borrowed ones are left alone. */
    @Override
    public void cancel() {
        if (driver != null) {
            driver.cancel(); // unwinds the block, which cancels the choice it awaits, if it is awaiting
        }
        abandon();
    }

    private Object pollChoice(Context cx) {
        if (state >= CHOSEN) {
            throw new IllegalStateException("this select already chose a branch; a select is single use");
        }
        boolean first = state == NEW;
        if (first) {
            start();
            state = POLLING;
        }
        int woken = ready.begin(cx.waker());
        if (first) {
            int n = branches.length;
            int start = biased || n <= 1 ? 0 : nextRandom(n);
            for (int k = 0, i = start; k < n; k++, i = i + 1 == n ? 0 : i + 1) {
                if (!disabled[i] && pollBranch(i)) {
                    return choose(i);
                }
            }
        } else {
            int n = takeWoken(woken);
            int start = biased || n <= 1 ? 0 : nextRandom(n);
            for (int k = 0; k < n; k++) {
                int i = scratch[(start + k) % n];
                if (!disabled[i] && pollBranch(i)) {
                    return choose(i);
                }
            }
        }
        if (enabled == 0) {
            if (otherwise != null) {
                return choose(OTHERWISE);
            }
            abandon();
            throw new IllegalStateException("every branch of this select is disabled and it has no otherwise() arm");
        }
        return PENDING;
    }

    private void start() {
        branches = building.toArray(new Branch[0]);
        building.clear();
        disabled = new boolean[branches.length];
        members = new ReadyQueue.Member<?>[branches.length];
        for (int i = 0; i < branches.length; i++) {
            members[i] = ready.addUnqueued(null);
        }
        enabled = branches.length;
        for (int i = 0; i < branches.length; i++) {
            if (branches[i].kind() == Kind.BORROWED && ((Fuse<?>) branches[i].future()).isTerminated()) {
                disable(i);
            }
        }
    }

    /** Moves the branches queued before this poll into {@code scratch}; for a biased select, in order. */
    private int takeWoken(int woken) {
        int n = 0;
        if (scratch == null || scratch.length < woken) {
            scratch = new int[Math.max(4, woken)];
        }
        for (; n < woken; n++) {
            scratch[n] = ready.next().index;
        }
        if (biased && n > 1) {
            Arrays.sort(scratch, 0, n);
        }
        return n;
    }

    private int nextRandom(int bound) {
        return random == null ? ThreadLocalRandom.current().nextInt(bound) : random.nextInt(bound);
    }

    /** Polls one enabled branch; true if it won (its output is in {@code winnerOutput}). */
    private boolean pollBranch(int i) {
        ReadyQueue.Member<?> c = members[i];
        Branch b = branches[i];
        Object r;
        try {
            r = b.future().poll(c);
        } catch (Throwable failure) {
            disable(i);
            Throwable cleanup = abandon();
            if (cleanup != null && cleanup != failure) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
        if (r == PENDING) {
            return false;
        }
        if (r == null && b.kind() == Kind.OWNED_NON_NULL) {
            disable(i); // completed, so nothing to cancel
            return false;
        }
        winnerOutput = r;
        disable(i);
        return true;
    }

    private void disable(int i) {
        if (!disabled[i]) {
            disabled[i] = true;
            enabled--;
        }
    }

    private Object choose(int w) {
        Throwable cleanup = abandon();
        state = CHOSEN;
        if (cleanup != null) {
            winnerOutput = null;
            throw AsyncException.rethrow(cleanup);
        }
        return w;
    }

    /**
     * Ends the select: detaches its wakers and cancels the owned branches still running. Returns the
     * first failure a cancellation threw (the others suppressed in it), after cancelling them all.
     */
    private Throwable abandon() {
        if (state == DONE) {
            return null;
        }
        state = DONE;
        Throwable failure = null;
        ready.detach();
        Branch[] all = branches != null ? branches : building.toArray(new Branch[0]);
        for (int i = 0; i < all.length; i++) {
            if (all[i].kind() == Kind.BORROWED || (disabled != null && disabled[i])) {
                continue;
            }
            if (disabled != null) {
                disable(i);
            }
            try {
                all[i].future().cancel();
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                } else {
                    failure.addSuppressed(t);
                }
            }
        }
        return failure;
    }
}
