package dev.weft.console.tui;

import static dev.weft.console.tui.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ViewStateTest {
    // By busy: 2, 3, 1. By polls: 1, 3, 2.
    private final List<Snapshot.Task> tasks = List.of(task(1, "main", 1, 9, 300), task(2, "accept", 50, 1, 10),
            task(3, "purge", 20, 5, 200));

    private List<Snapshot.Task> shown(ViewState v) {
        return v.sort().apply(tasks);
    }

    private ViewState press(ViewState v, Key... keys) {
        for (Key k : keys) {
            v = v.on(k, shown(v), 2);
        }
        return v;
    }

    @Test
    void theFirstRowIsSelectedAtFirst() {
        assertThat(ViewState.INITIAL.selectedRow(shown(ViewState.INITIAL))).isZero();
        assertThat(ViewState.INITIAL.selectedRow(List.of())).isEqualTo(-1);
    }

    @Test
    void theSelectionFollowsItsTaskToAnotherSort() {
        ViewState v = press(ViewState.INITIAL, Key.DOWN);
        assertThat(v.selectedId()).isEqualTo(3);

        ViewState byPolls = press(v, Key.SORT_BY_POLLS);
        assertThat(byPolls.selectedId()).isEqualTo(3);
        assertThat(byPolls.selectedRow(shown(byPolls))).isEqualTo(1);
        assertThat(press(byPolls, Key.DOWN).selectedId()).isEqualTo(2);
    }

    @Test
    void movesStopAtTheEndsAndPagesJump() {
        assertThat(press(ViewState.INITIAL, Key.UP).selectedId()).isEqualTo(2);
        assertThat(press(ViewState.INITIAL, Key.DOWN, Key.DOWN, Key.DOWN, Key.DOWN).selectedId()).isEqualTo(1);
        assertThat(press(ViewState.INITIAL, Key.PAGE_DOWN).selectedId()).isEqualTo(1);
        assertThat(press(ViewState.INITIAL, Key.PAGE_DOWN, Key.PAGE_DOWN, Key.PAGE_UP).selectedId()).isEqualTo(2);
    }

    @Test
    void whenTheSelectedTaskCompletesTheSelectionStaysOnItsRow() {
        ViewState v = press(ViewState.INITIAL, Key.DOWN);
        List<Snapshot.Task> without3 = List.of(tasks.get(0), tasks.get(1));
        assertThat(v.selectedRow(ViewState.Sort.BUSY.apply(without3))).isEqualTo(1);
        assertThat(v.on(Key.UP, ViewState.Sort.BUSY.apply(without3), 2).selectedId()).isEqualTo(2);
    }

    @Test
    void enterOpensTheSelectedTaskAndEscGoesBackToItsRow() {
        ViewState open = press(ViewState.INITIAL, Key.DOWN, Key.OPEN);
        assertThat(open.detailOpen()).isTrue();
        assertThat(open.openId()).isEqualTo(3);
        assertThat(press(open, Key.OPEN)).isEqualTo(open);

        ViewState back = press(open, Key.BACK);
        assertThat(back.detailOpen()).isFalse();
        assertThat(back.selectedId()).isEqualTo(3);
        assertThat(ViewState.INITIAL.on(Key.OPEN, List.of(), 2).detailOpen()).isFalse();
    }

    @Test
    void inTheDetailUpAndDownScroll() {
        ViewState open = press(ViewState.INITIAL, Key.OPEN, Key.DOWN, Key.DOWN, Key.PAGE_DOWN);
        assertThat(open.detailScroll()).isEqualTo(4);
        assertThat(open.selectedId()).isEqualTo(2);
        assertThat(press(open, Key.UP).detailScroll()).isEqualTo(3);
        assertThat(press(open, Key.PAGE_UP, Key.PAGE_UP, Key.PAGE_UP).detailScroll()).isZero();
        assertThat(open.clampScroll(1).detailScroll()).isEqualTo(1);
        assertThat(press(open, Key.BACK, Key.OPEN).detailScroll()).isZero();
    }
}
