package dev.weft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.weft.Gate;
import dev.weft.Weft;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weft's Flight Recorder events, read back from a real recording file, as JDK Mission Control would,
 * and through the JDK's own {@code jfr print}.
 */
class JfrEventsTest {
    private static final Gate GATE_FOR_THE_INITIALIZER = new Gate();

    /** Awaits a pending future in a static initializer: a pinned await, which must fail. */
    static final class PinsItsAwait {
        static final String STATE;

        static {
            GATE_FOR_THE_INITIALIZER.await();
            STATE = "never";
        }
    }

    @Test
    void aRecordingShowsSpawnsPollsCompletionsBlockingAndPinnedAwaits(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("weft.jfr");
        long worker;
        long sleeper;
        long pinnedBefore;
        try (Recording recording = new Recording()) {
            for (String e : List.of("dev.weft.TaskSpawn", "dev.weft.TaskPoll", "dev.weft.TaskComplete",
                    "dev.weft.BlockingDetected", "dev.weft.PinnedAwait")) {
                recording.enable(e).withThreshold(Duration.ZERO);
            }
            recording.start();
            try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).blockingThreshold(Duration.ofMillis(20))
                    .onBlocking(r -> { }).build()) {
                JoinHandle<Integer> h = rt.spawn("yielder", Weft.async(() -> {
                    for (int i = 0; i < 3; i++) {
                        Weft.yieldNow().await();
                    }
                    return 3;
                }));
                worker = h.id();
                assertThat(rt.blockOn(h)).isEqualTo(3);

                CountDownLatch release = new CountDownLatch(1);
                JoinHandle<Boolean> s = rt.spawn(Weft.async(() -> release.await(20, TimeUnit.SECONDS)));
                sleeper = s.id();
                Observed.until("a blocking report", () -> rt.handle().metrics().blockingReports() > 0);
                release.countDown();
                rt.blockOn(s);

                pinnedBefore = rt.handle().metrics().pinnedAwaits();
                Throwable pinned = catchThrowable(() -> rt.blockOn(Weft.async(() -> PinsItsAwait.STATE)));
                assertThat(pinned).isInstanceOf(ExceptionInInitializerError.class);
                assertThat(rt.handle().metrics().pinnedAwaits()).isEqualTo(pinnedBefore + 1);
            }
            recording.stop();
            recording.dump(file);
        }

        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<RecordedEvent> mine = events.stream().filter(e -> e.getEventType().getName().startsWith("dev.weft.Task")
                && e.getLong("taskId") == worker).toList();
        assertThat(mine).filteredOn(e -> e.getEventType().getName().equals("dev.weft.TaskSpawn")).singleElement()
                .satisfies(e -> {
                    assertThat(e.getString("name")).isEqualTo("yielder");
                    assertThat(e.getString("body")).startsWith(JfrEventsTest.class.getName());
                });
        List<RecordedEvent> polls = mine.stream().filter(e -> e.getEventType().getName().equals("dev.weft.TaskPoll"))
                .toList();
        assertThat(polls).hasSize(4);
        assertThat(polls).allSatisfy(e -> assertThat(e.getDuration()).isGreaterThanOrEqualTo(Duration.ZERO));
        assertThat(polls.stream().filter(e -> e.getBoolean("completed")).count()).isEqualTo(1);
        assertThat(mine).filteredOn(e -> e.getEventType().getName().equals("dev.weft.TaskComplete")).singleElement()
                .satisfies(e -> {
                    assertThat(e.getString("outcome")).isEqualTo("ok");
                    assertThat(e.getLong("polls")).isEqualTo(4);
                });
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.weft.BlockingDetected"))
                .anySatisfy(e -> {
                    assertThat(e.getLong("taskId")).isEqualTo(sleeper);
                    assertThat(e.getString("workerStack")).contains("CountDownLatch.await");
                    assertThat(e.getDuration("blockedFor")).isGreaterThanOrEqualTo(Duration.ofMillis(20));
                });
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.weft.PinnedAwait")).singleElement()
                .satisfies(e -> assertThat(e.getString("reason")).contains("static initializer"));

        // The JDK's own tool shows them too.
        String printed = jfrPrint(file, "dev.weft.TaskPoll,dev.weft.BlockingDetected");
        assertThat(printed).contains("dev.weft.TaskPoll").contains("taskId = " + worker)
                .contains("dev.weft.BlockingDetected").contains("taskId = " + sleeper);
    }

    private static String jfrPrint(Path file, String events) throws IOException, InterruptedException {
        Path jfr = Path.of(System.getProperty("java.home"), "bin", "jfr");
        Process p = new ProcessBuilder(jfr.toString(), "print", "--events", events, file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void withNoRecordingNoEventIsEnabled() {
        assertThat(dev.weft.internal.JfrEvents.POLL_PROBE.isEnabled()).isFalse();
        assertThat(dev.weft.internal.JfrEvents.SPAWN_PROBE.isEnabled()).isFalse();
    }
}
