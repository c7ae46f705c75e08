package dev.weft.console;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.runtime.Handle;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Notify;
import dev.weft.time.Interval;
import java.time.Duration;

/**
 * A runtime with a few named tasks that each show something in the console: a busy task, idle ones
 * suspended in their own code, a ticker, a task that blocks its worker now and then, and a hand-written
 * future that loses its waker. Run it from the test classpath and open the URL it prints; Enter ends it.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp ... dev.weft.console.ConsoleDemo [port]
 * </pre>
 */
public final class ConsoleDemo {
    private ConsoleDemo() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).name("demo").onBlocking(r -> { }).build();
             Console console = Console.builder(rt.handle()).port(port).start()) {
            Handle h = rt.handle();
            Notify never = new Notify();
            h.spawn("busy", Weft.async(() -> {
                long x = 0;
                while (true) {
                    for (int i = 0; i < 200_000; i++) {
                        x += i * 31L ^ x;
                    }
                    Weft.yieldNow().await();
                }
            }));
            for (int i = 1; i <= 3; i++) {
                h.spawn("idle-" + i, Weft.async(() -> waitForever(never)));
            }
            h.spawn("ticker", Weft.async(() -> {
                Interval every = Weft.interval(Duration.ofMillis(100));
                while (true) {
                    every.tick().await();
                }
            }));
            h.spawn("sleeper", Weft.async(() -> {
                while (true) {
                    Weft.sleep(Duration.ofSeconds(5)).await();
                    Thread.sleep(300); // the mistake the "blocking" lint is for
                }
            }));
            h.spawn("forgetful", new Future<Void>() {
                @Override
                public Object poll(Context cx) {
                    return PENDING; // never asks for cx.waker(): "lost-waker"
                }
            });
            System.out.println("Weft console at " + console.url() + " (Enter ends the demo)");
            System.in.read();
        }
    }

    private static void waitForever(Notify never) {
        never.notified().await();
    }
}
