package dev.weft.redis.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

/**
 * Expiry on a server whose clock is paused without auto-advance: time moves only when the test
 * advances it, between commands, so every TTL below is exact.
 */
class ExpiryTest {
    private ServerFixture fixture;
    private Jedis jedis;

    @BeforeEach
    void start() {
        fixture = ServerFixture.paused();
        jedis = new Jedis(fixture.host(), fixture.port());
    }

    @AfterEach
    void stop() {
        jedis.close();
        fixture.close();
    }

    @Test
    void aKeyLivesExactlyItsTtl() {
        jedis.set("session", "abc", SetParams.setParams().ex(10));
        fixture.advance(Duration.ofMillis(9_999));
        assertThat(jedis.get("session")).isEqualTo("abc");
        assertThat(jedis.pttl("session")).isEqualTo(1);
        assertThat(jedis.ttl("session")).as("rounded as Redis rounds").isEqualTo(0);
        fixture.advance(Duration.ofMillis(1));
        assertThat(jedis.get("session")).isNull();
        assertThat(jedis.ttl("session")).isEqualTo(-2);
        assertThat(jedis.exists("session")).isFalse();
    }

    @Test
    void expireAndPexpireCountFromNowAndPersistCancels() {
        jedis.set("a", "1");
        jedis.set("b", "2");
        jedis.set("c", "3");
        jedis.expire("a", 5);
        jedis.pexpire("b", 1_500);
        jedis.pexpire("c", 1_000);
        assertThat(jedis.persist("c")).isEqualTo(1);
        fixture.advance(Duration.ofSeconds(1));
        assertThat(jedis.ttl("a")).isEqualTo(4);
        assertThat(jedis.pttl("b")).isEqualTo(500);
        fixture.advance(Duration.ofMillis(500));
        assertThat(jedis.mget("a", "b", "c")).containsExactly("1", null, "3");
        fixture.advance(Duration.ofSeconds(4));
        assertThat(jedis.mget("a", "b", "c")).containsExactly(null, null, "3");
    }

    @Test
    void writesAndTtls() {
        jedis.set("k", "v", SetParams.setParams().px(2_000));
        fixture.advance(Duration.ofSeconds(1));
        jedis.set("k", "w", SetParams.setParams().keepTtl());
        jedis.incr("n");
        jedis.expire("n", 1);
        jedis.incr("n");
        jedis.append("k", "!");
        fixture.advance(Duration.ofMillis(999));
        assertThat(jedis.get("k")).isEqualTo("w!");
        assertThat(jedis.get("n")).isEqualTo("2");
        fixture.advance(Duration.ofMillis(1));
        assertThat(jedis.get("k")).as("KEEPTTL and APPEND kept the first deadline").isNull();
        assertThat(jedis.get("n")).as("INCR kept the deadline").isNull();
        assertThat(jedis.incr("n")).as("an expired counter starts again").isEqualTo(1);
        assertThat(jedis.set("k", "again", SetParams.setParams().nx())).as("NX sees an expired key as absent")
                .isEqualTo("OK");
    }

    @Test
    void theBackgroundPurgeRemovesKeysNobodyReads() throws Exception {
        for (int i = 0; i < 100; i++) {
            jedis.set("temp:" + i, "x", SetParams.setParams().px(50));
        }
        jedis.set("kept", "y");
        assertThat(jedis.dbSize()).as("DBSIZE counts keys not yet purged, as Redis's does").isEqualTo(101);
        // Past the deadlines and past a purge tick (100 ms): only the purge task can remove them, since
        // nothing reads them. It runs on the runtime after the advance; a deadline, not a sleep.
        fixture.advance(Duration.ofMillis(150));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (jedis.dbSize() > 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(jedis.dbSize()).isEqualTo(1);
        assertThat(jedis.get("kept")).isEqualTo("y");
    }
}
