package dev.weft.redis.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/** PUBLISH, SUBSCRIBE, PSUBSCRIBE and the rules of subscribe mode, through Jedis and raw sockets. */
class PubSubTest {
    @Test
    void subscribersGetMessagesFromChannelsAndPatterns() throws Exception {
        try (ServerFixture f = ServerFixture.start(); Jedis publisher = new Jedis(f.host(), f.port());
                Jedis subscriber = new Jedis(f.host(), f.port())) {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            CountDownLatch channelsIn = new CountDownLatch(2);
            CountDownLatch patternIn = new CountDownLatch(1);
            JedisPubSub listener = new JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    got.add(channel + "=" + message);
                }

                @Override
                public void onPMessage(String pattern, String channel, String message) {
                    got.add(pattern + ":" + channel + "=" + message);
                }

                @Override
                public void onSubscribe(String channel, int count) {
                    channelsIn.countDown();
                }

                @Override
                public void onPSubscribe(String pattern, int count) {
                    patternIn.countDown();
                }

                @Override
                public void onPong(String pattern) {
                    got.add("pong");
                }
            };
            Thread t = Thread.ofPlatform().start(() -> subscriber.subscribe(listener, "news", "sport"));
            assertThat(channelsIn.await(5, TimeUnit.SECONDS)).isTrue();
            listener.psubscribe("n*"); // Jedis subscribes to one kind per call; the rest go on the same connection
            assertThat(patternIn.await(5, TimeUnit.SECONDS)).isTrue();

            assertThat(publisher.publish("news", "hello")).isEqualTo(2); // the channel and the pattern
            assertThat(publisher.publish("weather", "rain")).isZero();
            assertThat(publisher.publish("sport", "goal")).isEqualTo(1);
            assertThat(List.of(got.poll(5, TimeUnit.SECONDS), got.poll(5, TimeUnit.SECONDS),
                    got.poll(5, TimeUnit.SECONDS))).containsExactlyInAnyOrder("news=hello", "n*:news=hello", "sport=goal");
            listener.ping();
            assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("pong");

            listener.unsubscribe("news");
            listener.punsubscribe();
            // Once the unsubscriptions are answered, news has no subscriber left.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (publisher.publish("news", "late") != 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(publisher.publish("news", "later")).isZero();
            listener.unsubscribe();
            t.join(5_000);
            assertThat(t.isAlive()).as("subscribe returns once every subscription is gone").isFalse();
            assertThat(subscriber.ping()).as("back in normal mode").isEqualTo("PONG");
        }
    }

    @Test
    void subscribeModeRepliesAsRedisDoes() throws Exception {
        try (ServerFixture f = ServerFixture.start(); ServerFixture.Raw c = f.raw()) {
            c.send("SUBSCRIBE a b\r\n");
            assertThat(lines(c, 6)).containsExactly("*3", "$9", "subscribe", "$1", "a", ":1");
            assertThat(lines(c, 6)).containsExactly("*3", "$9", "subscribe", "$1", "b", ":2");
            c.send("GET x\r\n");
            assertThat(c.line()).isEqualTo("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE /"
                    + " PING / QUIT / RESET are allowed in this context");
            c.send("PING\r\n");
            assertThat(lines(c, 5)).containsExactly("*2", "$4", "pong", "$0", "");
            c.send("PSUBSCRIBE h?llo\r\n");
            assertThat(lines(c, 6)).containsExactly("*3", "$10", "psubscribe", "$5", "h?llo", ":3");
            try (ServerFixture.Raw p = f.raw()) {
                assertThat(p.send("PUBLISH hello hi\r\n").line()).isEqualTo(":1");
            }
            assertThat(lines(c, 9)).containsExactly("*4", "$8", "pmessage", "$5", "h?llo", "$5", "hello", "$2", "hi");
            c.send("UNSUBSCRIBE\r\n");
            assertThat(lines(c, 12)).containsExactly("*3", "$11", "unsubscribe", "$1", "a", ":2",
                    "*3", "$11", "unsubscribe", "$1", "b", ":1");
            c.send("PUNSUBSCRIBE\r\n");
            assertThat(lines(c, 6)).containsExactly("*3", "$12", "punsubscribe", "$5", "h?llo", ":0");
            c.send("UNSUBSCRIBE\r\n");
            assertThat(lines(c, 5)).containsExactly("*3", "$11", "unsubscribe", "$-1", ":0");
            assertThat(c.send("GET x\r\n").line()).as("out of subscribe mode").isEqualTo("$-1");
        }
    }

    @Test
    void aSlowSubscriberIsCutOffAndNeverSlowsThePublisher() throws Exception {
        try (ServerFixture f = ServerFixture.start(ServerConfig.defaults().withSubscriberBuffer(16));
                ServerFixture.Raw slow = f.raw(); Jedis publisher = new Jedis(f.host(), f.port())) {
            slow.send("SUBSCRIBE firehose\r\n");
            assertThat(lines(slow, 6)).endsWith(":1");
            // The subscriber reads nothing from here on. Its socket buffers fill, then its 16 slots.
            String payload = "x".repeat(64 * 1024);
            int published = 0;
            while (publisher.publish("firehose", payload) == 1) {
                published++;
                assertThat(published).as("the slow subscriber was never cut off").isLessThan(100_000);
            }
            assertThat(publisher.publish("firehose", "after")).as("the subscriber is gone").isZero();
            // The cut-off client's connection is closed (after what it had queued is out, or with a reset
            // when the kernel gives up on megabytes the client never reads); a timeout here fails.
            slow.untilClosed();
            assertThat(publisher.ping()).isEqualTo("PONG");
        }
    }

    private static List<String> lines(ServerFixture.Raw c, int n) throws Exception {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = c.line();
        }
        return List.of(out);
    }
}
