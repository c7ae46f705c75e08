package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Task-locals: scoped to a future across awaits, never inherited unless asked, carried by blockInPlace. */
class TaskLocalTest {
    private static final TaskLocal<String> REQUEST = TaskLocal.named("request");
    private static final TaskLocal<Integer> DEPTH = TaskLocal.named("depth");

    private static Runtime currentThread() {
        return Runtime.builder().currentThread().build();
    }

    @Test
    void aScopedValueIsSeenAfterEveryAwaitAndNowhereElse() {
        try (Runtime rt = currentThread()) {
            List<String> seen = rt.blockOn(REQUEST.scope("r-1", Weft.async(() -> {
                List<String> values = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    values.add(REQUEST.get());
                    Weft.yieldNow().await();
                }
                values.add(REQUEST.get());
                return values;
            })));
            assertThat(seen).containsExactly("r-1", "r-1", "r-1", "r-1");
            assertThat(REQUEST.isSet()).isFalse();
            assertThatThrownBy(REQUEST::get).isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("'request' is not set").hasMessageContaining("scope(value, future)");
        }
    }

    @Test
    void twoTasksInterleavedOnOneThreadEachSeeTheirOwnValue() {
        try (Runtime rt = currentThread()) {
            List<String> log = new ArrayList<>();
            JoinHandle<Void> a = rt.spawn(REQUEST.scope("a", Weft.async(() -> record(log))));
            JoinHandle<Void> b = rt.spawn(REQUEST.scope("b", Weft.async(() -> record(log))));
            rt.blockOn(a);
            rt.blockOn(b);
            // Both ran on this one thread, turn by turn; each saw only its own binding.
            assertThat(log).containsExactly("a", "b", "a", "b", "a", "b");
        }
    }

    private static void record(List<String> log) {
        for (int i = 0; i < 3; i++) {
            log.add(REQUEST.get());
            Weft.yieldNow().await();
        }
    }

    @Test
    void anInnerScopeShadowsTheOuterOneUntilItEnds() {
        try (Runtime rt = currentThread()) {
            String seen = rt.blockOn(DEPTH.scope(1, Weft.async(() -> {
                int inner = DEPTH.scope(2, Weft.async(() -> {
                    Weft.yieldNow().await();
                    return DEPTH.get();
                })).await();
                return inner + " then " + DEPTH.get();
            })));
            assertThat(seen).isEqualTo("2 then 1");
        }
    }

    @Test
    void aSpawnedTaskDoesNotInheritUnlessAsked() {
        try (Runtime rt = currentThread()) {
            String seen = rt.blockOn(REQUEST.scope("parent", Weft.async(() -> {
                boolean plain = Weft.spawn(() -> REQUEST.isSet()).await();
                String asked = Weft.spawn(TaskLocal.capture().scope(Weft.async(() -> REQUEST.get()))).await();
                return "plain spawn sees it: " + plain + ", captured: " + asked;
            })));
            assertThat(seen).isEqualTo("plain spawn sees it: false, captured: parent");
        }
    }

    @Test
    void blockInPlaceCarriesTaskLocalsToThePoolThreadAndSpawnBlockingDoesNot() {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("tl").build()) {
            String seen = rt.blockOn(rt.spawn(REQUEST.scope("r-7", Weft.async(() -> {
                String inPlace = Weft.blockInPlace(() -> Thread.currentThread().getName() + " sees " + REQUEST.get());
                boolean spawned = Weft.spawnBlocking(REQUEST::isSet).await();
                return inPlace + "; spawnBlocking sees it: " + spawned;
            }))));
            assertThat(seen).matches("tl-blocking-\\d+ sees r-7; spawnBlocking sees it: false");
        }
    }

    @Test
    void theUnwindingOfACancelledBlockStillSeesItsTaskLocals() {
        AtomicReference<String> inFinally = new AtomicReference<>();
        try (Runtime rt = currentThread()) {
            Gate never = new Gate();
            JoinHandle<Void> task = rt.spawn(REQUEST.scope("r-9", Weft.async(() -> {
                try {
                    never.await();
                } finally {
                    inFinally.set(REQUEST.isSet() ? REQUEST.get() : "unset");
                }
            })));
            rt.blockOn(Weft.async(() -> {
                while (!never.hasWaiter()) {
                    Weft.yieldNow().await();
                }
            }));
            task.abort();
            assertThatThrownBy(() -> rt.blockOn(task)).isInstanceOf(CancellationException.class);
        }
        assertThat(inFinally).hasValue("r-9");
    }
}
