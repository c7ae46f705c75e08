package dev.weft.redis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.redis.RespParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The wire itself, through raw sockets: inline commands, pipelining, every limit, placement. */
class ProtocolTest {
    @Test
    void inlineCommandsAsTypedIntoTelnet() throws Exception {
        try (ServerFixture f = ServerFixture.start(); ServerFixture.Raw c = f.raw()) {
            assertThat(c.send("PING\r\n").line()).isEqualTo("+PONG");
            assertThat(c.send("set greeting hello\r\n").line()).isEqualTo("+OK");
            assertThat(c.send("get greeting\n").line()).isEqualTo("$5");
            assertThat(c.line()).isEqualTo("hello");
            assertThat(c.send("\r\nexists greeting\r\n").line()).as("an empty line is ignored").isEqualTo(":1");
            assertThat(c.send("QUIT\r\n").line()).isEqualTo("+OK");
            assertThat(c.untilClosed()).isEmpty();
        }
    }

    @Test
    void aPipelineIsAnsweredInOrderWithOneWrite() throws Exception {
        try (ServerFixture f = ServerFixture.start(); ServerFixture.Raw c = f.raw(); ServerFixture.Raw probe = f.raw()) {
            StringBuilder pipeline = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                pipeline.append("*3\r\n$3\r\nSET\r\n$").append(String.valueOf(i).length()).append("\r\n").append(i)
                        .append("\r\n$1\r\nv\r\n");
                pipeline.append("*2\r\n$4\r\nECHO\r\n$").append(String.valueOf(i).length()).append("\r\n").append(i)
                        .append("\r\n");
            }
            long writesBefore = writes(probe);
            c.send(pipeline.toString()); // about 3 KB: one segment on loopback, so one read
            for (int i = 0; i < 100; i++) {
                assertThat(c.line()).isEqualTo("+OK");
                assertThat(c.line()).isEqualTo("$" + String.valueOf(i).length());
                assertThat(c.line()).isEqualTo(String.valueOf(i));
            }
            // The probe's own INFO is one more write.
            assertThat(writes(probe) - writesBefore).as("writes for 200 pipelined commands").isEqualTo(2);
        }
    }

    private static long writes(ServerFixture.Raw probe) throws Exception {
        probe.send("INFO\r\n");
        int len = Integer.parseInt(probe.line().substring(1));
        String info = new String(probe.bytes(len + 2), java.nio.charset.StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("total_reply_writes:(\\d+)").matcher(info);
        assertThat(m.find()).as("INFO reports total_reply_writes").isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void protocolLimitsReplyAndClose() throws Exception {
        ServerConfig small = ServerConfig.defaults().withLimits(new RespParser.Limits(1024, 16, 256))
                .withMaxQueryBuffer(4096);
        try (ServerFixture f = ServerFixture.start(small)) {
            expectProtocolError(f, "*1\r\n$1025\r\n", "ERR Protocol error: invalid bulk length");
            expectProtocolError(f, "*17\r\n", "ERR Protocol error: invalid multibulk length");
            expectProtocolError(f, "*-5\r\n$1\r\n", "ERR Protocol error: invalid multibulk length");
            expectProtocolError(f, "PING " + "x".repeat(300) + "\r\n", "ERR Protocol error: too big inline request");
            expectProtocolError(f, "*1\r\n:5\r\n", "ERR Protocol error: expected '$', got ':'");
            // 16 bulks of 1000 bytes: each within the limits, together over the 4 KB query buffer.
            StringBuilder big = new StringBuilder("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000\r\n" + "x".repeat(1000) + "\r\n");
            expectProtocolErrorStartingWith(f, "*16\r\n" + ("$1000\r\n" + "y".repeat(1000) + "\r\n").repeat(8),
                    "ERR Protocol error: the client query buffer limit of 4096 bytes");
            try (ServerFixture.Raw ok = f.raw()) {
                assertThat(ok.send(big.toString()).line()).as("a command within every limit").isEqualTo("+OK");
                assertThat(ok.send("PING\r\n").line()).isEqualTo("+PONG");
            }
        }
    }

    private static void expectProtocolError(ServerFixture f, String input, String error) throws Exception {
        try (ServerFixture.Raw c = f.raw()) {
            assertThat(c.send(input).line()).isEqualTo("-" + error);
            assertThat(c.untilClosed()).isEmpty();
        }
    }

    private static void expectProtocolErrorStartingWith(ServerFixture f, String input, String error) throws Exception {
        try (ServerFixture.Raw c = f.raw()) {
            assertThat(c.send(input).line()).startsWith("-" + error);
            assertThat(c.untilClosed()).isEmpty();
        }
    }

    @Test
    void maxClientsRefusesTheOneTooMany() throws Exception {
        try (ServerFixture f = ServerFixture.start(ServerConfig.defaults().withMaxClients(3))) {
            List<ServerFixture.Raw> three = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                three.add(f.raw());
                assertThat(three.get(i).send("PING\r\n").line()).isEqualTo("+PONG");
            }
            try (ServerFixture.Raw fourth = f.raw()) {
                assertThat(fourth.line()).isEqualTo("-ERR max number of clients reached");
                assertThat(fourth.untilClosed()).isEmpty();
            }
            three.get(0).send("QUIT\r\n").untilClosed();
            // The server counts the leaver once its task has ended; a deadline, not a guess.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (f.server.clientCount() > 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            try (ServerFixture.Raw again = f.raw()) {
                assertThat(again.send("PING\r\n").line()).isEqualTo("+PONG");
            }
            for (ServerFixture.Raw c : three) {
                c.close();
            }
        }
    }

    @Test
    void idleClientsAreClosedAfterTheTimeout() throws Exception {
        try (ServerFixture f = ServerFixture.start(ServerConfig.defaults().withIdleTimeout(Duration.ofMillis(200)));
                ServerFixture.Raw c = f.raw()) {
            assertThat(c.send("PING\r\n").line()).isEqualTo("+PONG");
            long start = System.nanoTime();
            assertThat(c.untilClosed()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void requirepassGuardsEveryCommandButAuth() throws Exception {
        try (ServerFixture f = ServerFixture.start(ServerConfig.defaults().withRequirePass("s3cret"));
                ServerFixture.Raw c = f.raw()) {
            assertThat(c.send("GET k\r\n").line()).isEqualTo("-NOAUTH Authentication required.");
            assertThat(c.send("AUTH wrong\r\n").line())
                    .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.");
            assertThat(c.send("AUTH default s3cret\r\n").line()).isEqualTo("+OK");
            assertThat(c.send("PING\r\n").line()).isEqualTo("+PONG");
        }
    }

    @Test
    void fiftyClientsConnectingAtOnceSpreadEvenly() throws Exception {
        // The shape of redis-benchmark's start: 50 connections in a burst, accepted several per poll.
        try (ServerFixture f = ServerFixture.start()) {
            List<ServerFixture.Raw> clients = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                clients.add(f.raw());
            }
            for (ServerFixture.Raw c : clients) {
                c.send("PING\r\n");
            }
            for (ServerFixture.Raw c : clients) {
                assertThat(c.line()).isEqualTo("+PONG");
            }
            Map<String, Integer> perWorker = new TreeMap<>();
            for (String w : workersOf(clients.get(0))) {
                perWorker.merge(w, 1, Integer::sum);
            }
            assertThat(perWorker).as("clients per worker").hasSize(2);
            // Placement decides in runs of 8 spawns (design.md), so a burst lands within about 8 of even.
            assertThat(perWorker.values()).as("clients per worker: %s", perWorker)
                    .allSatisfy(n -> assertThat(n).isBetween(15, 35));
            for (ServerFixture.Raw c : clients) {
                c.close();
            }
        }
    }

    /** The worker of every client in CLIENT LIST, asked on {@code c}. */
    private static List<String> workersOf(ServerFixture.Raw c) throws Exception {
        c.send("CLIENT LIST\r\n");
        int len = Integer.parseInt(c.line().substring(1));
        String list = new String(c.bytes(len + 2), java.nio.charset.StandardCharsets.ISO_8859_1);
        List<String> workers = new ArrayList<>();
        Matcher m = Pattern.compile("worker=(\\S+)").matcher(list);
        while (m.find()) {
            workers.add(m.group(1));
        }
        return workers;
    }

    @Test
    void clientsSpreadOverTheWorkers() throws Exception {
        try (ServerFixture f = ServerFixture.start()) {
            List<ServerFixture.Raw> clients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ServerFixture.Raw c = f.raw();
                clients.add(c);
                assertThat(c.send("PING\r\n").line()).isEqualTo("+PONG");
            }
            Set<String> workers = new HashSet<>(workersOf(clients.get(0)));
            assertThat(workers).as("workers serving 8 clients, one connected after another").hasSize(2);
            for (ServerFixture.Raw c : clients) {
                c.close();
            }
        }
    }
}
