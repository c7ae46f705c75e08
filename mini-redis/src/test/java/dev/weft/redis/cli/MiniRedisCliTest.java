package dev.weft.redis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.redis.Frame;
import dev.weft.redis.client.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

/** mini-redis-cli run as picocli runs it, with its output captured, against a real server. */
class MiniRedisCliTest {
    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    record Run(int status, String out, String err) {
    }

    /** Runs the CLI against the test server. */
    static Run cli(String... args) {
        return cliAt(SERVER.port(), new StringWriter(), args);
    }

    static Run cliAt(int port, StringWriter out, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new MiniRedisCli());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        String[] full = Stream.concat(Stream.of("--port", Integer.toString(port)), Stream.of(args))
                .toArray(String[]::new);
        int status = cmd.execute(full);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void pingPrintsPongOrTheMessage() {
        assertThat(cli("ping")).isEqualTo(new Run(0, "PONG\n", ""));
        assertThat(cli("ping", "hello")).isEqualTo(new Run(0, "\"hello\"\n", ""));
    }

    @Test
    void setThenGetPrintsTheValueAndAMissingKeyIsNil() {
        assertThat(cli("set", "greeting", "hello world")).isEqualTo(new Run(0, "OK\n", ""));
        assertThat(cli("get", "greeting")).isEqualTo(new Run(0, "\"hello world\"\n", ""));
        assertThat(cli("get", "missing")).isEqualTo(new Run(0, "(nil)\n", ""));
    }

    @Test
    void setOptionsReachTheServer() {
        assertThat(cli("set", "k", "v", "--ex", "100").out()).isEqualTo("OK\n");
        assertThat(cli("set", "k", "w", "--nx").out()).isEqualTo("(nil)\n");
        assertThat(cli("set", "other", "w", "--xx").out()).isEqualTo("(nil)\n");
        assertThat(cli("set", "p", "v", "--px", "50500", "--nx").out()).isEqualTo("OK\n");
        try (Jedis jedis = SERVER.jedis()) {
            assertThat(jedis.ttl("k")).isBetween(90L, 100L);
            assertThat(jedis.get("k")).isEqualTo("v");
            assertThat(jedis.exists("other")).isFalse();
            assertThat(jedis.pttl("p")).isBetween(40_000L, 50_500L);
        }
    }

    @Test
    void contradictoryOptionsAreAUsageError() {
        Run run = cli("set", "k", "v", "--ex", "1", "--px", "1000");
        assertThat(run.status()).isEqualTo(64);
        assertThat(run.err()).contains("mutually exclusive");
        assertThat(cli().status()).isEqualTo(64);
        assertThat(cli().err()).contains("Missing a command");
    }

    @Test
    void delIncrAndPublishPrintIntegers() {
        cli("set", "a", "1");
        cli("set", "b", "2");
        assertThat(cli("del", "a", "b", "c").out()).isEqualTo("(integer) 2\n");
        assertThat(cli("incr", "n").out()).isEqualTo("(integer) 1\n");
        assertThat(cli("incr", "n").out()).isEqualTo("(integer) 2\n");
        assertThat(cli("publish", "news", "hi").out()).isEqualTo("(integer) 0\n");
    }

    @Test
    void aServerErrorGoesToStandardErrorWithStatus1() {
        cli("set", "text", "abc");
        assertThat(cli("incr", "text"))
                .isEqualTo(new Run(1, "", "(error) ERR value is not an integer or out of range\n"));
        assertThat(cli("cmd", "nosuchcommand").status()).isEqualTo(1);
    }

    @Test
    void cmdSendsAnyCommandAndPrintsTheReplyAsRedisCliDoes() {
        assertThat(cli("cmd", "mset", "la", "a", "lb", "b c").out()).isEqualTo("OK\n");
        assertThat(cli("cmd", "mget", "la", "lb").out()).isEqualTo("1) \"a\"\n2) \"b c\"\n");
        assertThat(cli("cmd", "keys", "nothing*").out()).isEqualTo("(empty array)\n");
        assertThat(cli("--raw", "cmd", "mget", "la", "lb").out()).isEqualTo("a\nb c\n");
        assertThat(cli("cmd", "del", "la", "lb").out()).isEqualTo("(integer) 2\n");
        assertThat(cli("--raw", "cmd", "incr").status()).isEqualTo(1); // wrong number of arguments
    }

    @Test
    void repliesAreFormattedAsRedisCliFormatsThem() {
        Frame nested = new Frame.Array(List.of(
                new Frame.Array(List.of(Frame.bulk("a"), new Frame.Int(1))),
                new Frame.Bulk(new byte[] {'q', '"', '\\', '\n', 0, (byte) 0xc3, (byte) 0xa9}),
                Frame.NullBulk.INSTANCE));
        assertThat(ReplyFormat.format(nested, false)).isEqualTo("""
                1) 1) "a"
                   2) (integer) 1
                2) "q\\"\\\\\\n\\x00\\xc3\\xa9"
                3) (nil)""");
        assertThat(ReplyFormat.format(new Frame.Error("ERR x"), false)).isEqualTo("(error) ERR x");
        assertThat(ReplyFormat.format(new Frame.Int(7), true)).isEqualTo("7");
    }

    @Test
    void subscribePrintsMessagesAsTheyArrive() throws Exception {
        SignallingWriter out = new SignallingWriter("(integer) 2");
        CompletableFuture<Run> subscriber = CompletableFuture.supplyAsync(
                () -> cliAt(SERVER.port(), out, "subscribe", "news", "sport", "--count", "2"));
        assertThat(out.seen.await(10, TimeUnit.SECONDS)).as("both subscriptions confirmed").isTrue();
        try (Jedis jedis = SERVER.jedis()) {
            assertThat(jedis.publish("news", "hello")).isEqualTo(1);
            assertThat(jedis.publish("sport", "goal")).isEqualTo(1);
        }
        Run run = subscriber.get(10, TimeUnit.SECONDS);
        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("""
                Reading messages... (press Ctrl-C to quit)
                1) "subscribe"
                2) "news"
                3) (integer) 1
                1) "subscribe"
                2) "sport"
                3) (integer) 2
                1) "message"
                2) "news"
                3) "hello"
                1) "message"
                2) "sport"
                3) "goal"
                """);
    }

    @Test
    void noServerIsStatus2WithAMessageThatSaysWhatToCheck() {
        int port = TestServer.freePort();
        Run run = cliAt(port, new StringWriter(), "ping");
        assertThat(run).isEqualTo(new Run(2, "",
                "could not connect to 127.0.0.1:" + port + ": Connection refused — is the server running?\n"));
    }

    /** Captures output and opens a latch once it contains a given text. */
    static final class SignallingWriter extends StringWriter {
        final CountDownLatch seen = new CountDownLatch(1);
        private final String text;

        SignallingWriter(String text) {
            this.text = text;
        }

        @Override
        public void write(String s, int off, int len) {
            super.write(s, off, len);
            if (toString().contains(text)) {
                seen.countDown();
            }
        }
    }
}
