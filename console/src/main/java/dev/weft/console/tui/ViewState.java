package dev.weft.console.tui;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * What the user has chosen to look at: the sort order, the selected task, and whether one task is open.
 * Immutable; {@link #on} gives the state after a key.
 *
 * <p>The selection follows a task, not a row: it is kept as the task's id, so a refresh that reorders
 * the table, or a new sort, leaves the same task selected. When that task completes, the selection stays
 * at its row ({@code selectedIndex}) and lands on whichever task is there now.
 *
 * @param sort          the table's order
 * @param selectedId    the selected task's id, or 0 before anything was selected
 * @param selectedIndex the row the selection was last on
 * @param openId        the task whose detail is shown, or 0 when the table is
 * @param detailScroll  how many lines of the detail are scrolled off the top
 */
record ViewState(Sort sort, long selectedId, int selectedIndex, long openId, int detailScroll) {
    /** The table sorted by busy time, nothing selected yet (so the first row). */
    static final ViewState INITIAL = new ViewState(Sort.BUSY, 0, 0, 0, 0);

    /** The table's orders: each puts the largest first, ties by task id. */
    enum Sort {
        BUSY("busy", Snapshot.Task::busyNanos),
        IDLE("idle", Snapshot.Task::idleNanos),
        POLLS("polls", Snapshot.Task::polls);

        final String label;
        private final Comparator<Snapshot.Task> order;

        Sort(String label, ToLongFunction<Snapshot.Task> key) {
            this.label = label;
            this.order = Comparator.comparingLong(key).reversed().thenComparingLong(Snapshot.Task::id);
        }

        List<Snapshot.Task> apply(List<Snapshot.Task> tasks) {
            List<Snapshot.Task> sorted = new ArrayList<>(tasks);
            sorted.sort(order);
            return sorted;
        }
    }

    boolean detailOpen() {
        return openId != 0;
    }

    /** The selected row in {@code sorted} (the table as shown), or -1 when it is empty. */
    int selectedRow(List<Snapshot.Task> sorted) {
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).id() == selectedId) {
                return i;
            }
        }
        return sorted.isEmpty() ? -1 : Math.min(selectedIndex, sorted.size() - 1);
    }

    /**
     * The state after {@code key}, given the table as shown ({@code sorted}) and how many rows a page
     * holds. {@link Key#QUIT} is the caller's to act on; here it changes nothing.
     */
    ViewState on(Key key, List<Snapshot.Task> sorted, int page) {
        return switch (key) {
            case SORT_BY_BUSY -> withSort(Sort.BUSY);
            case SORT_BY_IDLE -> withSort(Sort.IDLE);
            case SORT_BY_POLLS -> withSort(Sort.POLLS);
            case UP -> move(-1, sorted);
            case DOWN -> move(1, sorted);
            case PAGE_UP -> move(-Math.max(1, page), sorted);
            case PAGE_DOWN -> move(Math.max(1, page), sorted);
            case OPEN -> open(sorted);
            case BACK -> new ViewState(sort, selectedId, selectedIndex, 0, 0);
            case QUIT -> this;
        };
    }

    /** This state with the detail scrolled no further than {@code maxScroll} lines. */
    ViewState clampScroll(int maxScroll) {
        int clamped = Math.max(0, Math.min(detailScroll, maxScroll));
        return clamped == detailScroll ? this : new ViewState(sort, selectedId, selectedIndex, openId, clamped);
    }

    private ViewState withSort(Sort s) {
        return new ViewState(s, selectedId, selectedIndex, openId, detailScroll);
    }

    private ViewState move(int by, List<Snapshot.Task> sorted) {
        if (detailOpen()) {
            return new ViewState(sort, selectedId, selectedIndex, openId, Math.max(0, detailScroll + by));
        }
        int row = selectedRow(sorted);
        if (row < 0) {
            return this;
        }
        int to = Math.max(0, Math.min(sorted.size() - 1, row + by));
        return new ViewState(sort, sorted.get(to).id(), to, 0, 0);
    }

    private ViewState open(List<Snapshot.Task> sorted) {
        int row = selectedRow(sorted);
        if (detailOpen() || row < 0) {
            return this;
        }
        long id = sorted.get(row).id();
        return new ViewState(sort, id, row, id, 0);
    }
}
