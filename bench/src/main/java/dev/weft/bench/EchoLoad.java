package dev.weft.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * TCP echo throughput and latency: Weft's TCP against Netty 4.2's NIO and native epoll transports, in
 * one JVM, each server on the same number of threads and driven by the same load generator
 * ({@link EchoClient}). Not a JMH benchmark: run as
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     dev.weft.bench.EchoLoad [--server weft,netty-nio,netty-epoll|all] [--conns 1,50] [--size 64,16384]
 *     [--inflight 1,16] [--threads 2] [--client-threads 1] [--seconds 5] [--warmup 2] [--rounds 1]
 *     [--weft-buffer 65536] [--weft-heap] [--weft-copy] [--jvm-migration]
 * </pre>
 *
 * <p>For every combination of connections, message size and messages in flight, each round starts
 * each server in turn on 127.0.0.1 (weft, nio, epoll, weft, nio, epoll, ... so drift on a shared
 * machine hits all alike), warms up, measures, and stops it. One table follows: per server and
 * combination, messages per second, payload MB/s (one way), latency percentiles over all rounds, the
 * CPU the process spent per message outside the client's threads (the server's cost, with GC and JIT),
 * the fewest messages any one connection had echoed over the mean (1.00: fair; the worst round), and
 * the throughput relative to Netty NIO in the same combination.
 *
 * <p>Weft's homing mode against its migration mode is a JVM-level choice: the program cannot change
 * its own flags, so {@code bench/echo.sh} runs it twice. {@code --jvm-migration} only checks that this
 * JVM was started in migration mode, and says how to start it if not.
 */
public final class EchoLoad {
    private EchoLoad() {
    }

    /** What stays the same across the runs. */
    private record Settings(int threads, int clientThreads, double warmup, double seconds, int weftBuffer,
            boolean weftDirect, boolean weftCopy) {
    }

    /** One server and one combination of the load's parameters. */
    private record Run(String server, int conns, int size, int inflight) {
    }

    /** Totals for one {@link Run}, over its rounds. */
    private static final class Tally {
        final Histogram latencies = new Histogram(60_000_000_000L, 3);
        long messages;
        double seconds;
        long serverCpu;
        /** The worst over the rounds of: the fewest messages one connection had, over the mean. */
        double fairness = 1;
        /** Weft only: its I/O driver's selects and events in the measurement windows. */
        long selects;
        long events;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = parse(args);
        List<String> servers = opt.get("server").equals("all") ? EchoServer.KINDS : List.of(opt.get("server").split(","));
        int[] connsList = ints(opt.get("conns"));
        int[] sizes = ints(opt.get("size"));
        int[] inflights = ints(opt.get("inflight"));
        int rounds = Integer.parseInt(opt.get("rounds"));
        Settings set = new Settings(Integer.parseInt(opt.get("threads")), Integer.parseInt(opt.get("client-threads")),
                Double.parseDouble(opt.get("warmup")), Double.parseDouble(opt.get("seconds")),
                Integer.parseInt(opt.get("weft-buffer")), !opt.containsKey("weft-heap"), opt.containsKey("weft-copy"));

        boolean migration = migrationMode();
        if (opt.containsKey("jvm-migration") && !migration) {
            System.err.println("--jvm-migration: this JVM runs Weft in homing mode. Migration mode needs JVM flags;"
                    + " start it as\n  java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED"
                    + " -Dweft.unsafe.disableHoming=true -XX:+UnlockDiagnosticVMOptions"
                    + " -XX:DisableIntrinsic=_currentThread -cp bench/target/benchmarks.jar dev.weft.bench.EchoLoad ..."
                    + "\nor run bench/echo.sh, which runs both modes.");
            System.exit(2);
        }
        System.out.printf(Locale.ROOT, "# JDK %s, %d CPUs; weft mode: %s, %s%s %d-byte buffer per connection;"
                        + " %d server threads, %d client thread(s); warm-up %.1f s, measure %.1f s, %d round(s)%n",
                System.getProperty("java.version"), java.lang.Runtime.getRuntime().availableProcessors(),
                migration ? "migration (homing off, _currentThread intrinsic disabled)" : "homing",
                set.weftCopy() ? "Io.copy, " : "", set.weftDirect() ? "direct" : "heap", set.weftBuffer(), set.threads(), set.clientThreads(),
                set.warmup(), set.seconds(), rounds);

        Map<Run, Tally> tallies = new LinkedHashMap<>(); // in the order the table lists them
        for (int conns : connsList) {
            for (int size : sizes) {
                for (int inflight : inflights) {
                    for (int round = 0; round < rounds; round++) {
                        for (String server : servers) {
                            Run run = new Run(server, conns, size, inflight);
                            Tally t = tallies.computeIfAbsent(run, k -> new Tally());
                            runOnce(run, set, t);
                            if (rounds > 1) {
                                System.out.printf(Locale.ROOT, "  round %d done: %s%n", round + 1, run);
                            }
                        }
                    }
                }
            }
        }
        print(tallies);
    }

    private static void runOnce(Run run, Settings set, Tally into) throws Exception {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.gc(); // the previous run's garbage is not this run's cost
        try (EchoServer s = EchoServer.start(run.server(), set.threads(), set.weftBuffer(), set.weftDirect(), set.weftCopy())) {
            long start = System.nanoTime();
            long from = start + (long) (set.warmup() * 1e9);
            long to = from + (long) (set.seconds() * 1e9);
            long[] processCpu = new long[2];
            long[][] driver = new long[2][];
            Thread sampler = Thread.ofPlatform().name("echo-cpu-sampler").start(() -> {
                processCpu[0] = cpuAt(os, from);
                driver[0] = s.driverCounts();
                processCpu[1] = cpuAt(os, to);
                driver[1] = s.driverCounts();
            });
            EchoClient.Result r = EchoClient.run(s.address(), run.conns(), run.size(), run.inflight(),
                    set.clientThreads(), from, to);
            sampler.join();
            into.latencies.add(r.latencies());
            into.messages += r.messages();
            into.seconds += set.seconds();
            into.fairness = Math.min(into.fairness, r.messages() == 0 ? 0
                    : r.fewestPerConnection() / ((double) r.messages() / run.conns()));
            into.serverCpu += Math.max(0, processCpu[1] - processCpu[0] - r.clientCpuNanos());
            if (driver[0] != null) {
                into.selects += driver[1][0] - driver[0][0];
                into.events += driver[1][1] - driver[0][1];
            }
        }
    }

    /** The process's CPU time (ns) at the {@code nanoTime} instant {@code at}, sleeping until then. */
    private static long cpuAt(OperatingSystemMXBean os, long at) {
        long wait;
        while ((wait = at - System.nanoTime()) > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return os.getProcessCpuTime();
    }

    private static void print(Map<Run, Tally> tallies) {
        System.out.printf(Locale.ROOT, "%-12s %5s %6s %8s %10s %8s %8s %8s %9s %10s %8s %6s%n", "server", "conns",
                "size", "inflight", "msgs/s", "MB/s", "p50 µs", "p99 µs", "p99.9 µs", "cpu µs/msg", "min conn", "x nio");
        for (Map.Entry<Run, Tally> e : tallies.entrySet()) {
            Run run = e.getKey();
            Tally t = e.getValue();
            double rate = t.messages / t.seconds;
            Tally nio = tallies.get(new Run("netty-nio", run.conns(), run.size(), run.inflight()));
            String vsNio = nio == null || nio.messages == 0 ? "-"
                    : String.format(Locale.ROOT, "%.2f", rate / (nio.messages / nio.seconds));
            System.out.printf(Locale.ROOT, "%-12s %5d %6d %8d %10.0f %8.1f %8.1f %8.1f %9.1f %10.2f %8.2f %6s%n",
                    run.server(), run.conns(), run.size(), run.inflight(), rate, rate * run.size() / 1e6,
                    micros(t, 50), micros(t, 99), micros(t, 99.9),
                    t.messages == 0 ? Double.NaN : t.serverCpu / 1e3 / t.messages, t.fairness, vsNio);
        }
        System.out.println("weft's I/O driver per 1,000 messages (selects that returned, events handed out):");
        tallies.forEach((run, t) -> {
            if (run.server().equals("weft") && t.messages > 0) {
                System.out.printf(Locale.ROOT, "  %5d %6d %8d   %8.1f selects %8.1f events%n", run.conns(), run.size(),
                        run.inflight(), t.selects * 1e3 / t.messages, t.events * 1e3 / t.messages);
            }
        });
    }

    private static double micros(Tally t, double percentile) {
        return t.messages == 0 ? Double.NaN : t.latencies.getValueAtPercentile(percentile) / 1e3;
    }

    /** Weft's migration mode: homing switched off and the JIT's {@code currentThread} intrinsic disabled. */
    private static boolean migrationMode() {
        // DisableIntrinsic is a diagnostic flag, which the management bean shows only when unlocked.
        boolean intrinsicOff = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-XX:DisableIntrinsic=") && a.contains("_currentThread"));
        boolean homingOff = Boolean.getBoolean("weft.unsafe.disableHoming");
        if (homingOff != intrinsicOff) {
            System.err.println("warning: weft.unsafe.disableHoming=" + homingOff + " but the _currentThread intrinsic is "
                    + (intrinsicOff ? "disabled" : "enabled") + ": migration without the flag breaks"
                    + " Thread.currentThread() in tasks; with the flag and homing on, every currentThread() is slower");
        }
        return homingOff && intrinsicOff;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opt = new LinkedHashMap<>();
        opt.put("server", "all");
        opt.put("conns", "1,50");
        opt.put("size", "64,16384");
        opt.put("inflight", "1,16");
        opt.put("threads", "2");
        opt.put("client-threads", "1");
        opt.put("seconds", "5");
        opt.put("warmup", "2");
        opt.put("rounds", "1");
        opt.put("weft-buffer", "65536");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--jvm-migration") || a.equals("--weft-heap") || a.equals("--weft-copy")) {
                opt.put(a.substring(2), "");
            } else if (a.startsWith("--") && opt.containsKey(a.substring(2)) && i + 1 < args.length) {
                opt.put(a.substring(2), args[++i]); // a later repetition wins: echo.sh relies on it
            } else {
                System.err.println("usage: EchoLoad [--server weft,netty-nio,netty-epoll|all] [--conns 1,50]"
                        + " [--size 64,16384] [--inflight 1,16] [--threads 2] [--client-threads 1] [--seconds 5]"
                        + " [--warmup 2] [--rounds 1] [--weft-buffer 65536] [--weft-heap] [--weft-copy] [--jvm-migration]");
                System.exit(2);
            }
        }
        return opt;
    }

    private static int[] ints(String list) {
        return java.util.Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
