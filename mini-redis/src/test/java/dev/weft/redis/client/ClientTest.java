package dev.weft.redis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncBody;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.compose.Join;
import dev.weft.redis.Frame;
import dev.weft.runtime.Runtime;
import dev.weft.stream.Stream;
import dev.weft.time.ElapsedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** The client against a real server: every command, options, errors, pipelining, pub/sub. */
class ClientTest {
    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    /**
     * Runs {@code body} on a two-worker runtime, as an application would, failing it with
     * {@link ElapsedException} if it waits for more than 10 s (for a message that never comes, say).
     */
    static <T> T run(AsyncBody<T> body) {
        try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
            return rt.blockOn(Weft.timeout(Duration.ofSeconds(10), Weft.async(body)));
        }
    }

    static Client connect() {
        return Client.connect(SERVER.host(), SERVER.port()).await();
    }

    /**
     * A listening socket that never accepts: the kernel completes connections to it, and nothing ever
     * answers, so a command sent there waits for ever.
     */
    static ServerSocket silentServer() {
        try {
            return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Client connectTo(ServerSocket server) {
        return Client.connect("127.0.0.1", server.getLocalPort()).await();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void pingIsAnsweredWithPongOrTheMessage() {
        List<String> replies = run(() -> {
            try (Client c = connect()) {
                return List.of(c.ping().await(), c.ping("hello there").await());
            }
        });
        assertThat(replies).containsExactly("PONG", "hello there");
    }

    @Test
    void aValueSetIsTheValueGotBinarySafe() {
        byte[] value = {0, '\r', '\n', (byte) 0xff, '$', '-', '1'};
        byte[] key = {'k', 0, (byte) 0x80};
        run(() -> {
            try (Client c = connect()) {
                assertThat(c.set(key, value).await()).isTrue();
                assertThat(c.get(key).await()).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
                assertThat(c.set("greeting", "héllo").await()).isTrue();
                assertThat(c.get("greeting").await()).contains("héllo");
                return null;
            }
        });
        try (Jedis jedis = SERVER.jedis()) {
            assertThat(jedis.get(key)).isEqualTo(value);
        }
    }

    @Test
    void getOfAMissingKeyIsEmpty() {
        Optional<String> got = run(() -> {
            try (Client c = connect()) {
                return c.get("nothing-here").await();
            }
        });
        assertThat(got).isEmpty();
    }

    @Test
    void setWithExOrPxGivesTheKeyATimeToLive() {
        run(() -> {
            try (Client c = connect()) {
                c.set("ex", "v", SetOptions.defaults().ex(100)).await();
                c.set("px", "v", SetOptions.defaults().px(50_500)).await();
                assertThat(c.ttl("ex").await()).isBetween(90L, 100L);
                assertThat(((Frame.Int) c.command("PTTL", "px").await()).value()).isBetween(40_000L, 50_500L);
                return null;
            }
        });
    }

    @Test
    void setNxSetsOnlyAMissingKeyAndXxOnlyAnExistingOne() {
        run(() -> {
            try (Client c = connect()) {
                assertThat(c.set("k", "xx", SetOptions.defaults().xx()).await()).isFalse();
                assertThat(c.get("k").await()).isEmpty();
                assertThat(c.set("k", "first", SetOptions.defaults().nx()).await()).isTrue();
                assertThat(c.set("k", "second", SetOptions.defaults().nx()).await()).isFalse();
                assertThat(c.get("k").await()).contains("first");
                assertThat(c.set("k", "third", SetOptions.defaults().xx()).await()).isTrue();
                assertThat(c.get("k").await()).contains("third");
                return null;
            }
        });
    }

    @Test
    void setWithKeepTtlKeepsTheTimeToLiveAndPlainSetDropsIt() {
        run(() -> {
            try (Client c = connect()) {
                c.set("k", "v1", SetOptions.defaults().ex(100)).await();
                c.set("k", "v2", SetOptions.defaults().keepTtl()).await();
                assertThat(c.ttl("k").await()).isPositive();
                c.set("k", "v3").await();
                assertThat(c.ttl("k").await()).isEqualTo(-1);
                return null;
            }
        });
    }

    @Test
    void setAndGetReturnsTheOldValue() {
        run(() -> {
            try (Client c = connect()) {
                assertThat(c.setAndGet("k", "one", SetOptions.defaults()).await()).isEmpty();
                assertThat(c.setAndGet("k", "two", SetOptions.defaults().ex(100)).await()).contains("one");
                assertThat(c.get("k").await()).contains("two");
                assertThat(c.ttl("k").await()).isPositive();
                assertThat(c.setAndGet("k", "three", SetOptions.defaults().nx()).await()).contains("two");
                assertThat(c.get("k").await()).contains("two"); // NX held it back
                return null;
            }
        });
    }

    @Test
    void setOptionsAreSentAsRedisWordsAndRejectContradictions() {
        assertThat(SetOptions.defaults().words()).isEmpty();
        assertThat(SetOptions.defaults().ex(10).nx().words()).containsExactly("EX", "10", "NX");
        assertThat(SetOptions.defaults().px(1500).xx().words()).containsExactly("PX", "1500", "XX");
        assertThat(SetOptions.defaults().keepTtl().words()).containsExactly("KEEPTTL");
        assertThatThrownBy(() -> SetOptions.defaults().ex(10).keepTtl())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KEEPTTL");
        assertThatThrownBy(() -> SetOptions.defaults().px(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 ms");
    }

    @Test
    void delCountsTheKeysItRemoved() {
        long removed = run(() -> {
            try (Client c = connect()) {
                c.set("a", "1").await();
                c.set("b", "2").await();
                return c.del("a", "b", "missing").await();
            }
        });
        assertThat(removed).isEqualTo(2);
    }

    @Test
    void incrAndIncrByCountFromZero() {
        List<Long> values = run(() -> {
            try (Client c = connect()) {
                return List.of(c.incr("n").await(), c.incr("n").await(), c.incrBy("n", 40).await(),
                        c.incrBy("n", -50).await());
            }
        });
        assertThat(values).containsExactly(1L, 2L, 42L, -8L);
    }

    @Test
    void anErrorReplyIsARedisExceptionAndTheClientGoesOn() {
        run(() -> {
            try (Client c = connect()) {
                c.set("text", "not a number").await();
                assertThatThrownBy(() -> c.incr("text").await())
                        .isInstanceOf(RedisException.class)
                        .hasMessage("ERR value is not an integer or out of range")
                        .satisfies(e -> assertThat(((RedisException) e).code()).isEqualTo("ERR"));
                assertThatThrownBy(() -> c.command("NOSUCHCOMMAND", "x").await())
                        .isInstanceOf(RedisException.class).hasMessageStartingWith("ERR unknown command");
                assertThat(c.ping().await()).isEqualTo("PONG");
                return null;
            }
        });
    }

    @Test
    void expireAndTtlFollowRedisConventions() {
        run(() -> {
            try (Client c = connect()) {
                assertThat(c.ttl("missing").await()).isEqualTo(-2);
                assertThat(c.expire("missing", Duration.ofSeconds(10)).await()).isFalse();
                c.set("k", "v").await();
                assertThat(c.ttl("k").await()).isEqualTo(-1);
                assertThat(c.expire("k", Duration.ofSeconds(100)).await()).isTrue();
                assertThat(c.ttl("k").await()).isBetween(90L, 100L);
                assertThat(c.expire("k", Duration.ofMillis(60_500)).await()).isTrue(); // PEXPIRE
                assertThat(c.ttl("k").await()).isBetween(50L, 61L);
                return null;
            }
        });
    }

    @Test
    void commandSendsAnyCommandAndGivesTheReplyFrame() {
        Frame reply = run(() -> {
            try (Client c = connect()) {
                assertThat(c.command("MSET", "la", "a", "lb", "b").await()).isEqualTo(new Frame.Simple("OK"));
                return c.command(utf8("MGET"), utf8("la"), utf8("lb"), utf8("none")).await();
            }
        });
        assertThat(reply).isEqualTo(new Frame.Array(List.of(Frame.bulk("a"), Frame.bulk("b"), Frame.NullBulk.INSTANCE)));
    }

    @Test
    void aPipelineOf100CommandsGetsTheRepliesInOrder() {
        List<Frame> replies = run(() -> {
            try (Client c = connect()) {
                Pipeline p = c.pipeline();
                for (int i = 0; i < 99; i++) {
                    p.command("INCR", "counter");
                }
                p.command("GET", "counter");
                assertThat(p.size()).isEqualTo(100);
                List<Frame> out = p.execute().await();
                assertThat(p.size()).isZero();
                assertThat(c.get("counter").await()).contains("99"); // the connection is in step afterwards
                return out;
            }
        });
        List<Frame> expected = new ArrayList<>();
        for (int i = 1; i <= 99; i++) {
            expected.add(new Frame.Int(i));
        }
        expected.add(Frame.bulk("99"));
        assertThat(replies).isEqualTo(expected);
    }

    @Test
    void aPipelinedErrorTakesItsPlaceAmongTheReplies() {
        List<Frame> replies = run(() -> {
            try (Client c = connect()) {
                return c.pipeline()
                        .command("SET", "text", "abc")
                        .command("INCR", "text")
                        .command("GET", "text")
                        .execute().await();
            }
        });
        assertThat(replies).containsExactly(new Frame.Simple("OK"),
                new Frame.Error("ERR value is not an integer or out of range"), Frame.bulk("abc"));
    }

    @Test
    void aSubscriberReceivesWhatAnotherClientPublishes() {
        List<Message> received = run(() -> {
            try (Client publisher = connect(); Subscriber sub = connect().subscribe("news", "sport").await()) {
                assertThat(sub.channels()).containsExactly("news", "sport"); // confirmed: safe to publish now
                assertThat(publisher.publish("news", "hello").await()).isEqualTo(1);
                assertThat(publisher.publish("sport", utf8("goal")).await()).isEqualTo(1);
                assertThat(publisher.publish("weather", "rain").await()).isZero();
                return sub.messages().take(2).toList().await();
            }
        });
        assertThat(received).containsExactly(new Message("news", null, utf8("hello")),
                new Message("sport", null, utf8("goal")));
    }

    @Test
    void aPatternSubscriberSeesThePatternEachMessageMatched() {
        Message m = run(() -> {
            try (Client publisher = connect(); Subscriber sub = connect().psubscribe("news.*").await()) {
                assertThat(sub.patterns()).containsExactly("news.*");
                assertThat(publisher.publish("news.tech", "weft 1.0").await()).isEqualTo(1);
                return sub.messages().next().await();
            }
        });
        assertThat(m).isEqualTo(new Message("news.tech", "news.*", utf8("weft 1.0")));
        assertThat(m.text()).isEqualTo("weft 1.0");
    }

    @Test
    void aSubscriberSubscribesToMoreAndUnsubscribes() {
        run(() -> {
            try (Client publisher = connect(); Subscriber sub = connect().subscribe("a").await()) {
                Stream<Message> messages = sub.messages();
                assertThat(publisher.publish("a", "1").await()).isEqualTo(1);
                sub.subscribe("b").await();
                sub.psubscribe("c*").await();
                assertThat(sub.channels()).containsExactly("a", "b");
                assertThat(publisher.publish("b", "2").await()).isEqualTo(1);
                sub.unsubscribe("a").await();
                assertThat(sub.channels()).containsExactly("b");
                assertThat(publisher.publish("a", "lost").await()).isZero();
                assertThat(publisher.publish("c1", "3").await()).isEqualTo(1);
                // Messages that came in while the calls waited for their confirmations were kept, in order.
                assertThat(messages.take(3).map(Message::text).toList().await()).containsExactly("1", "2", "3");
                sub.unsubscribe().await();
                sub.punsubscribe().await();
                assertThat(sub.channels()).isEmpty();
                assertThat(sub.patterns()).isEmpty();
                assertThat(publisher.publish("b", "nobody").await()).isZero();
                return null;
            }
        });
    }

    @Test
    void theMessageStreamEndsWhenTheServerClosesTheConnection() {
        Message last = run(() -> {
            try (Client admin = connect(); Subscriber sub = connect().subscribe("news").await()) {
                admin.command("CLIENT", "KILL", "TYPE", "pubsub").await();
                return sub.messages().next().await();
            }
        });
        assertThat(last).isNull();
    }

    @Test
    void aClientThatBecameASubscriberRefusesCommands() {
        run(() -> {
            Client c = connect();
            try (Subscriber sub = c.subscribe("news").await()) {
                assertThatThrownBy(() -> c.get("k").await())
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("subscribe mode");
                assertThat(sub.channels()).containsExactly("news");
            }
            return null;
        });
    }

    @Test
    void connectingWhereNoServerListensSaysSo() {
        int port = TestServer.freePort();
        assertThatThrownBy(() -> run(() -> Client.connect("127.0.0.1", port).await()))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("could not connect to 127.0.0.1:" + port + ": Connection refused")
                .hasCauseInstanceOf(ConnectException.class);
    }

    @Test
    void aCommandCutOffBeforeItsReplyBreaksTheClient() {
        run(() -> {
            try (ServerSocket silent = silentServer(); Client c = connectTo(silent)) {
                // A server that never answers: the timeout cancels the command after the request went out.
                Future<Frame> blocked = c.command("GET", "k");
                assertThatThrownBy(() -> Weft.timeout(Duration.ofMillis(50), blocked).await())
                        .isInstanceOf(ElapsedException.class);
                assertThatThrownBy(() -> c.ping().await())
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("cannot be used: a command was cancelled before its reply");
                return null;
            }
        });
    }

    @Test
    void twoCommandsAtOnceOnOneClientAreRefused() {
        run(() -> {
            try (ServerSocket silent = silentServer(); Client c = connectTo(silent)) {
                assertThatThrownBy(() -> Join.tryAll(c.command("GET", "k"), c.ping()).await())
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("another command is in progress");
                return null;
            }
        });
    }

    @Test
    void aClosedClientSaysSo() {
        run(() -> {
            Client c = connect();
            c.close();
            assertThatThrownBy(() -> c.ping().await())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("it was closed");
            return null;
        });
    }

    @Test
    void theMessageStreamOfAClosedSubscriberEnds() {
        Set<String> left = run(() -> {
            Subscriber sub = connect().subscribe("news").await();
            sub.close();
            assertThat(sub.messages().next().await()).isNull();
            return sub.channels();
        });
        assertThat(left).containsExactly("news");
    }
}
