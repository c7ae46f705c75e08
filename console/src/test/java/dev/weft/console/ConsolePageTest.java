package dev.weft.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.runtime.JoinHandle;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Notify;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web page in a real browser (headless Chromium over the DevTools Protocol): the task table
 * renders the runtime's tasks and keeps up with them, sorts by a clicked header, shows lint badges,
 * and a clicked row opens the task's detail with its suspended stack.
 */
class ConsolePageTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static Runtime rt;
    private static Console console;
    private static Chromium browser;
    private static final Notify RELEASE = new Notify();
    private static final AtomicBoolean STOP = new AtomicBoolean();
    private static final List<JoinHandle<?>> TASKS = new ArrayList<>();

    /** The user's own frame that the detail's suspended stack must show. */
    private static void waitInUserCode(Notify release) {
        release.notified().await();
    }

    @BeforeAll
    static void start() throws Exception {
        rt = Runtime.builder().multiThread().workerThreads(2).name("page").build();
        for (String name : List.of("alpha", "beta", "gamma")) {
            TASKS.add(rt.handle().spawn(name, Weft.async(() -> waitInUserCode(RELEASE))));
        }
        TASKS.add(rt.handle().spawn("spinner", Weft.async(() -> {
            while (!STOP.get()) {
                Weft.yieldNow().await(); // many short polls: the most polls and busy time of all
            }
        })));
        console = Console.start(rt.handle());
        browser = Chromium.launch();
        browser.navigate(console.url());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            STOP.set(true);
            RELEASE.notifyWaiters();
            if (console != null) {
                console.close();
            }
            TASKS.forEach(JoinHandle::abort);
            rt.close();
        }
    }

    /** The JavaScript for "the row of the task named {@code name}". */
    private static String row(String name) {
        return "[...document.querySelectorAll('#tasks tbody tr')].find(r => r.cells[1].textContent === "
                + Chromium.jsString(name) + ")";
    }

    @SuppressWarnings("unchecked")
    private static List<String> column(int index) throws Exception {
        return (List<String>) browser.eval("[...document.querySelectorAll('#tasks tbody tr')].map(r => r.cells["
                + index + "].textContent)");
    }

    @Test
    void theTaskTableShowsARowPerTaskWithItsId() throws Exception {
        for (JoinHandle<?> h : TASKS) {
            String name = rt.handle().tasks().stream().filter(t -> t.id() == h.id()).findFirst().orElseThrow().name();
            browser.waitUntil(row(name) + "?.dataset.taskId === '" + h.id() + "'", WAIT);
        }
        assertThat(browser.eval(row("alpha") + ".cells[2].textContent")).isEqualTo("idle");
        assertThat(browser.eval("document.getElementById('runtime-name').textContent")).isEqualTo("· page");
        assertThat(browser.eval("document.querySelectorAll('#workers tbody tr').length")).isEqualTo(2L);
    }

    @Test
    void theTableKeepsUpWithTheRuntime() throws Exception {
        browser.waitUntil(row("alpha") + " !== undefined", WAIT);
        long before = Long.parseLong((String) browser.eval("document.getElementById('tasks').dataset.refreshes"));
        String name = "late-" + System.nanoTime();
        TASKS.add(rt.handle().spawn(name, Weft.async(() -> waitInUserCode(RELEASE))));

        browser.waitUntil(row(name) + " !== undefined", WAIT);
        browser.waitUntil("Number(document.getElementById('tasks').dataset.refreshes) >= " + (before + 2), WAIT);
    }

    @Test
    void clickingAHeaderSortsByThatColumnAndAgainReversesIt() throws Exception {
        browser.waitUntil(row("spinner") + " !== undefined", WAIT);
        browser.eval("document.querySelector('#tasks th[data-sort=name]').click()");
        browser.waitUntil("document.getElementById('tasks').dataset.sortKey === 'name'", WAIT);
        List<String> names = column(1);
        assertThat(names).contains("alpha", "beta", "gamma", "spinner").isSortedAccordingTo(Comparator.naturalOrder());
        assertThat(browser.eval("document.querySelector('#tasks th[data-sort=name]').className")).isEqualTo("sorted-asc");

        browser.eval("document.querySelector('#tasks th[data-sort=name]').click()");
        assertThat(browser.eval("document.getElementById('tasks').dataset.sortDir")).isEqualTo("desc");
        assertThat(column(1)).isSortedAccordingTo(Comparator.reverseOrder());

        browser.eval("document.querySelector('#tasks th[data-sort=polls]').click()");
        List<Long> polls = column(5).stream().map(Long::parseLong).toList();
        assertThat(polls).isSortedAccordingTo(Comparator.reverseOrder());
        browser.waitUntil(row("spinner") + " === document.querySelector('#tasks tbody tr')", WAIT);
    }

    @Test
    void clickingARowOpensTheTasksDetailWithItsSuspendedStack() throws Exception {
        browser.waitUntil(row("beta") + " !== undefined", WAIT);
        browser.eval(row("beta") + ".click()");
        long id = Long.parseLong((String) browser.eval(row("beta") + ".dataset.taskId"));

        browser.waitUntil("!document.getElementById('detail').hidden && document.getElementById('detail').dataset.taskId"
                + " === '" + id + "'", WAIT);
        browser.waitUntil("document.getElementById('suspended-stack').textContent.includes("
                + Chromium.jsString(ConsolePageTest.class.getName() + ".waitInUserCode(ConsolePageTest.java:") + ")", WAIT);
        assertThat((String) browser.eval("document.getElementById('detail-title').textContent")).contains("beta");
        assertThat((String) browser.eval("document.querySelector('#detail-site li').textContent"))
                .startsWith("task " + id + " \"beta\"");
        assertThat((Long) browser.eval("document.querySelectorAll('#histogram .bar').length")).isGreaterThanOrEqualTo(11);
        assertThat(browser.eval(row("beta") + ".classList.contains('selected')")).isEqualTo(true);
    }

    @Test
    void aLintShowsAsABadgeOnItsRowAndInTheWarningsPanel() throws Exception {
        JoinHandle<Object> forgetful = rt.handle().spawn("forgetful", new Future<>() {
            @Override
            public Object poll(Context cx) {
                return PENDING; // without cx.waker()
            }
        });
        TASKS.add(forgetful);
        browser.waitUntil(row("forgetful") + "?.querySelector('.badge[data-lint=lost-waker]') != null", WAIT);
        browser.waitUntil("document.querySelector('#lints li[data-lint=lost-waker][data-task-id=\"" + forgetful.id()
                + "\"]') != null", WAIT);
    }
}
