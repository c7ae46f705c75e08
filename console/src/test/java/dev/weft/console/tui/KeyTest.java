package dev.weft.console.tui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyTest {
    @Test
    void lettersSortSelectAndQuit() {
        assertThat(decode("bipjkq")).containsExactly(Key.SORT_BY_BUSY, Key.SORT_BY_IDLE, Key.SORT_BY_POLLS,
                Key.DOWN, Key.UP, Key.QUIT);
    }

    @Test
    void arrowsInBothModesAndPageKeys() {
        assertThat(decode("\u001b[A\u001b[B\u001bOA\u001bOB\u001b[5~\u001b[6~"))
                .containsExactly(Key.UP, Key.DOWN, Key.UP, Key.DOWN, Key.PAGE_UP, Key.PAGE_DOWN);
    }

    @Test
    void enterOpensAndEscOrBackspaceGoBack() {
        assertThat(decode("\r")).containsExactly(Key.OPEN);
        assertThat(decode("\n")).containsExactly(Key.OPEN);
        assertThat(decode("\u001b")).containsExactly(Key.BACK);
        assertThat(decode("\u007f")).containsExactly(Key.BACK);
        assertThat(decode("\b")).containsExactly(Key.BACK);
    }

    @Test
    void anEscNotFollowedByASequenceIsEscThenTheNextKey() {
        assertThat(decode("\u001bq")).containsExactly(Key.BACK, Key.QUIT);
        assertThat(decode("\u001b\u001b[A")).containsExactly(Key.BACK, Key.UP);
    }

    @Test
    void ctrlCAndCtrlDQuitBecauseRawModeTurnsOffTheirSignals() {
        assertThat(decode("\u0003")).containsExactly(Key.QUIT);
        assertThat(decode("\u0004")).containsExactly(Key.QUIT);
    }

    @Test
    void unknownKeysAndSequencesAreSkippedWhole() {
        assertThat(decode("x\u001b[1;5Cz\u001b[15~p")).containsExactly(Key.SORT_BY_POLLS);
        assertThat(decode("\u001b[1;5")).isEmpty();
    }

    @Test
    void onlyTheGivenLengthIsRead() {
        byte[] bytes = "pq".getBytes(StandardCharsets.US_ASCII);
        assertThat(Key.decode(bytes, 1)).containsExactly(Key.SORT_BY_POLLS);
    }

    private static List<Key> decode(String typed) {
        byte[] bytes = typed.getBytes(StandardCharsets.US_ASCII);
        return Key.decode(bytes, bytes.length);
    }
}
