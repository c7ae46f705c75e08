package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.weft.Gate;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Where a task came from ({@link SpawnSite}): its body, its name, its spawn line when captured, and its
 * spawning tasks, as a failure's async trace shows them.
 */
class SpawnSiteTest {

    private static List<String> traces(Throwable failure) {
        return Arrays.stream(failure.getSuppressed()).filter(AsyncTrace.class::isInstance).map(Throwable::getMessage)
                .toList();
    }

    /** The line this is called from: where the test's spawn is. */
    private static int here() {
        return StackWalker.getInstance().walk(s -> s.skip(1).findFirst().orElseThrow().getLineNumber());
    }

    @Test
    void aSpawnedTasksFailureShowsWhereItWasSpawnedAndByWhom() {
        IllegalStateException boom = new IllegalStateException("boom");
        int[] spawnLine = new int[1];
        long[] ids = new long[2];
        try (Runtime rt = Runtime.builder().currentThread().captureSpawnLocations(true).build()) {
            Throwable failure = catchThrowable(() -> rt.blockOn(rt.spawn("parent", Weft.async(() -> {
                ids[0] = Handle.current().tasks().stream().filter(t -> "parent".equals(t.name())).findFirst()
                        .orElseThrow().id();
                spawnLine[0] = here() + 1;
                JoinHandle<Void> child = Weft.spawn(() -> {
                    Weft.yieldNow().await();
                    throw boom;
                });
                ids[1] = child.id();
                child.await();
            }))));

            assertThat(failure).isSameAs(boom);
            String childTrace = traces(boom).get(0);
            assertThat(childTrace).startsWith("task " + ids[1] + " (body " + SpawnSiteTest.class.getName() + " (lambda))"
                    + " spawned at " + SpawnSiteTest.class.getName() + ".lambda$");
            assertThat(childTrace).contains("(SpawnSiteTest.java:" + spawnLine[0] + ")");
            assertThat(childTrace).contains("\n\tspawned by task " + ids[0] + " \"parent\" (body ")
                    .contains("\n\tfailed; its output was awaited at");
        }
    }

    @Test
    void withoutCapturedLocationsTheSiteStillNamesTheBodyAndTheParent() throws Exception {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            Gate childGate = new Gate();
            Gate end = new Gate();
            CompletableFuture<Long> childId = new CompletableFuture<>();
            JoinHandle<Void> parent = rt.spawn(Weft.async(() -> {
                JoinHandle<Void> child = Weft.spawn("child", childGate);
                childId.complete(child.id());
                end.await();
                child.abort();
            }));
            long id = childId.get(10, TimeUnit.SECONDS);
            TaskInfo child = Observed.task(rt.handle(), t -> t.id() == id);

            assertThat(child.name()).isEqualTo("child");
            assertThat(child.displayName()).isEqualTo("child");
            assertThat(child.site().location()).isEmpty();
            assertThat(child.site().body()).isEqualTo(Gate.class);
            assertThat(child.body()).isEqualTo(Gate.class.getName());
            assertThat(child.site().parentId()).isEqualTo(parent.id());
            assertThat(child.site().parent()).hasValueSatisfying(p -> assertThat(p.taskId()).isEqualTo(parent.id()));
            TaskInfo fromOutside = Observed.task(rt.handle(), t -> t.id() == parent.id());
            assertThat(fromOutside.site().parentId()).isZero();
            assertThat(fromOutside.displayName()).isEqualTo(SpawnSiteTest.class.getName() + " (lambda)");
            end.open();
            rt.blockOn(parent);
        }
    }

    @Test
    void aLongChainOfSpawnsKeepsABoundedChainAndShowsTheNearestAncestors() {
        SpawnSite site = null;
        long longest = 0;
        for (long id = 1; id <= 1_000; id++) {
            site = new SpawnSite(id, null, SpawnSiteTest.class, null, id - 1, site);
            longest = Math.max(longest, site.keptAncestors());
        }

        assertThat(longest).as("never more than four times what is shown").isLessThanOrEqualTo(4L * SpawnSite.MAX_DEPTH);
        List<Long> shown = new ArrayList<>();
        for (SpawnSite s = site.parent().orElse(null); s != null; s = s.parent().orElse(null)) {
            shown.add(s.taskId());
        }
        assertThat(shown).containsExactly(999L, 998L, 997L, 996L);
        assertThat(site.describeChain().split("\n\tspawned by ", -1)).hasSize(1 + SpawnSite.MAX_DEPTH + 1);
        assertThat(site.describeChain()).endsWith("spawned by task 995 (further ancestors not kept)");
    }

    /** Spawns a chain {@code depth} tasks deep; the innermost fails and each awaits its child. */
    private static void nest(int depth, RuntimeException boom) {
        if (depth == 0) {
            throw boom;
        }
        Weft.spawn(() -> nest(depth - 1, boom)).await();
    }

    @Test
    void aFailureDeepInATreeShowsAFewGenerationsAndSaysTheRestWereNotKept() {
        IllegalStateException boom = new IllegalStateException("deep");
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            Throwable failure = catchThrowable(() -> rt.blockOn(Weft.async(() -> nest(8, boom))));

            assertThat(failure).isSameAs(boom);
            String innermost = traces(boom).get(0);
            assertThat(innermost.split("\n\tspawned by task ", -1)).hasSize(1 + SpawnSite.MAX_DEPTH + 1);
            assertThat(innermost).contains("(further ancestors not kept)");
        }
    }

    @Test
    void anUnobservedFailureIsReportedWithItsSpawnChain() throws Exception {
        CompletableFuture<Throwable> reported = new CompletableFuture<>();
        try (Runtime rt = Runtime.builder().currentThread()
                .onUnobservedFailure((task, failure) -> reported.complete(failure)).build()) {
            rt.blockOn(rt.spawn("dropper", Weft.async(() -> {
                JoinHandle<Void> h = Weft.spawn("doomed", () -> {
                    throw new IllegalStateException("nobody is listening");
                });
                while (!h.isFinished()) {
                    Weft.yieldNow().await();
                }
            })));
            Throwable failure = null;
            for (int i = 0; i < 200 && failure == null; i++) { // the handle is dropped: a Cleaner reports it
                System.gc();
                try {
                    failure = reported.get(50, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // collect again
                }
            }
            assertThat(failure).as("reported after the handle was collected").isNotNull();
            assertThat(traces(failure)).singleElement().asString().contains("\"doomed\"")
                    .contains("\n\tspawned by task ").contains("\"dropper\"")
                    .contains("failed and its JoinHandle was dropped");
        }
    }
}
