package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.compose.Fuse;
import dev.weft.compose.Select;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Mpsc;
import dev.weft.time.Interval;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Guide chapter 8's hazard: a multi-step read made afresh in each select of a loop loses what it had
 * read when a tick wins; the same read kept in a borrowed fuse keeps its progress.
 */
class GuideChapterEightTest {

    /** A frame is a count, then that many parts, each received separately. */
    static Future<List<String>> readFrame(Mpsc.Receiver<String> rx) {
        return Weft.async(() -> {
            int n = Integer.parseInt(rx.recv().await());
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                parts.add(rx.recv().await());
            }
            return parts;
        });
    }

    /** Sends two frames, one message a second; ticks come every 1.7 s, so they never tie with one. */
    static Mpsc.Receiver<String> frames() {
        Mpsc<String> ch = Mpsc.unbounded();
        Mpsc.Sender<String> tx = ch.sender();
        Weft.spawn(() -> {
            for (String m : List.of("2", "a", "b", "2", "c", "d")) {
                Weft.sleep(Duration.ofSeconds(1)).await();
                tx.send(m).await();
            }
        });
        return ch.receiver();
    }

    @Test
    void aFrameReadMadeAfreshEachIterationLosesItsCountWhenATickWins() {
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
            assertThatThrownBy(() -> rt.blockOn(Weft.async(() -> {
                Mpsc.Receiver<String> rx = frames();
                Interval ticks = Weft.interval(Duration.ofMillis(1_700));
                SplittableRandom random = new SplittableRandom(1);
                List<List<String>> got = new ArrayList<>();
                while (got.size() < 2) {
                    Select.<Boolean>fair(random)
                            .on(readFrame(rx), got::add)        // wrong: abandoned at each tick
                            .on(ticks.tick(), t -> false)
                            .await();
                }
                return got;
            }))).isInstanceOf(NumberFormatException.class).hasMessageContaining("\"a\"");
        }
    }

    @Test
    void aFrameReadKeptInABorrowedFuseSurvivesTheTicks() {
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
            List<List<String>> frames = rt.blockOn(Weft.async(() -> {
                Mpsc.Receiver<String> rx = frames();
                Interval ticks = Weft.interval(Duration.ofMillis(1_700));
                SplittableRandom random = new SplittableRandom(1);
                List<List<String>> got = new ArrayList<>();
                int tickCount = 0;
                Fuse<List<String>> frame = Fuse.of(readFrame(rx));
                while (got.size() < 2) {
                    tickCount += Select.<Integer>fair(random)
                            .onBorrowed(frame, f -> {
                                got.add(f);
                                return 0;
                            })
                            .on(ticks.tick(), t -> 1)
                            .await();
                    if (frame.isTerminated()) {
                        frame = Fuse.of(readFrame(rx));
                    }
                }
                frame.cancel();
                assertThat(tickCount).isGreaterThanOrEqualTo(3); // ticks won selects while frames were half read
                return got;
            }));
            assertThat(frames).containsExactly(List.of("a", "b"), List.of("c", "d"));
        }
    }
}
