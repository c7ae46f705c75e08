package dev.weft.redis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.args.ExpiryOption;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ClientKillParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/** Every command through Jedis, a real client from Maven Central, against a real server on loopback. */
class CommandsTest {
    private static ServerFixture fixture;
    private Jedis jedis;

    @BeforeAll
    static void startServer() {
        fixture = ServerFixture.start();
    }

    @AfterAll
    static void stopServer() {
        fixture.close();
    }

    @BeforeEach
    void connect() {
        jedis = new Jedis(fixture.host(), fixture.port());
        jedis.flushAll();
    }

    @AfterEach
    void disconnect() {
        jedis.close();
    }

    @Test
    void pingEchoAndSelect() {
        assertThat(jedis.ping()).isEqualTo("PONG");
        assertThat(jedis.ping("hello there")).isEqualTo("hello there");
        assertThat(jedis.echo("bytes \r\n ok")).isEqualTo("bytes \r\n ok");
        assertThat(jedis.select(0)).isEqualTo("OK");
        assertThatThrownBy(() -> jedis.select(1)).hasMessage("ERR DB index is out of range");
    }

    @Test
    void getSetAndItsOptions() {
        assertThat(jedis.get("k")).isNull();
        assertThat(jedis.set("k", "v1")).isEqualTo("OK");
        assertThat(jedis.get("k")).isEqualTo("v1");
        assertThat(jedis.set("k", "v2", SetParams.setParams().nx())).isNull();
        assertThat(jedis.set("new", "n", SetParams.setParams().nx())).isEqualTo("OK");
        assertThat(jedis.set("absent", "x", SetParams.setParams().xx())).isNull();
        assertThat(jedis.exists("absent")).isFalse();
        assertThat(jedis.set("k", "v3", SetParams.setParams().xx())).isEqualTo("OK");
        assertThat(jedis.setGet("k", "v4")).isEqualTo("v3");
        assertThat(jedis.setGet("fresh", "f")).isNull();
        assertThat(jedis.get("k")).isEqualTo("v4");

        jedis.set("t", "1", SetParams.setParams().ex(100));
        assertThat(jedis.ttl("t")).isEqualTo(100);
        jedis.set("t", "2", SetParams.setParams().keepTtl());
        assertThat(jedis.ttl("t")).isEqualTo(100);
        assertThat(jedis.get("t")).isEqualTo("2");
        jedis.set("t", "3");
        assertThat(jedis.ttl("t")).as("a plain SET drops the TTL").isEqualTo(-1);
        jedis.set("t", "4", SetParams.setParams().px(100_000));
        assertThat(jedis.pttl("t")).isBetween(99_000L, 100_000L);

        assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.SET, "k", "v", "NX", "XX"))
                .hasMessage("ERR syntax error");
        assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.SET, "k", "v", "EX", "0"))
                .hasMessage("ERR invalid expire time in 'set' command");
        assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.SET, "k", "v", "EX", "ten"))
                .hasMessage("ERR value is not an integer or out of range");
        assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.SET, "k", "v", "KEEPTTL", "EX", "5"))
                .hasMessage("ERR syntax error");
        assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.SET, "k", "v", "BOGUS"))
                .hasMessage("ERR syntax error");
        assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.GET))
                .hasMessage("ERR wrong number of arguments for 'get' command");
    }

    @Test
    void binarySafeKeysAndValues() {
        byte[] key = {0, (byte) 0xff, '\r', '\n', ' '};
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        jedis.set(key, value);
        assertThat(jedis.get(key)).isEqualTo(value);
        assertThat(jedis.keys("*".getBytes())).containsExactly(key);
    }

    @Test
    void getDelDelExists() {
        jedis.mset("a", "1", "b", "2", "c", "3");
        assertThat(jedis.getDel("a")).isEqualTo("1");
        assertThat(jedis.getDel("a")).isNull();
        assertThat(jedis.exists("a", "b", "c", "b", "zz")).isEqualTo(3);
        assertThat(jedis.del("b", "c", "zz")).isEqualTo(2);
        assertThat(jedis.dbSize()).isZero();
    }

    @Test
    void counters() {
        assertThat(jedis.incr("n")).isEqualTo(1);
        assertThat(jedis.incrBy("n", 41)).isEqualTo(42);
        assertThat(jedis.decr("n")).isEqualTo(41);
        assertThat(jedis.decrBy("n", 50)).isEqualTo(-9);
        assertThat(jedis.get("n")).isEqualTo("-9");
        jedis.set("n", String.valueOf(Long.MAX_VALUE));
        assertThatThrownBy(() -> jedis.incr("n")).hasMessage("ERR increment or decrement would overflow");
        jedis.set("s", "12a");
        assertThatThrownBy(() -> jedis.incr("s")).hasMessage("ERR value is not an integer or out of range");
        jedis.set("s", " 12");
        assertThatThrownBy(() -> jedis.incr("s")).hasMessage("ERR value is not an integer or out of range");
        jedis.set("s", "012");
        assertThatThrownBy(() -> jedis.incr("s")).hasMessage("ERR value is not an integer or out of range");
        assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.INCRBY, "n", "x"))
                .hasMessage("ERR value is not an integer or out of range");
        jedis.set("ttl", "5", SetParams.setParams().ex(50));
        jedis.incr("ttl");
        assertThat(jedis.ttl("ttl")).as("INCR keeps the TTL").isEqualTo(50);
    }

    @Test
    void appendAndStrlen() {
        assertThat(jedis.append("s", "hello")).isEqualTo(5);
        assertThat(jedis.append("s", " world")).isEqualTo(11);
        assertThat(jedis.get("s")).isEqualTo("hello world");
        assertThat(jedis.strlen("s")).isEqualTo(11);
        assertThat(jedis.strlen("none")).isZero();
    }

    @Test
    void mgetMset() {
        assertThat(jedis.mset("a", "1", "b", "2")).isEqualTo("OK");
        assertThat(jedis.mget("a", "nope", "b")).containsExactly("1", null, "2");
        assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.MSET, "a", "1", "b"))
                .hasMessage("ERR wrong number of arguments for 'mset' command");
    }

    @Test
    void expiryCommandsAndTheirFlags() {
        jedis.set("k", "v");
        assertThat(jedis.ttl("k")).isEqualTo(-1);
        assertThat(jedis.ttl("missing")).isEqualTo(-2);
        assertThat(jedis.expire("missing", 10)).isZero();
        assertThat(jedis.expire("k", 100, ExpiryOption.XX)).as("XX: no TTL yet").isZero();
        assertThat(jedis.expire("k", 100, ExpiryOption.NX)).isEqualTo(1);
        assertThat(jedis.expire("k", 200, ExpiryOption.NX)).isZero();
        assertThat(jedis.expire("k", 50, ExpiryOption.GT)).isZero();
        assertThat(jedis.expire("k", 300, ExpiryOption.GT)).isEqualTo(1);
        assertThat(jedis.ttl("k")).isEqualTo(300);
        assertThat(jedis.expire("k", 400, ExpiryOption.LT)).isZero();
        assertThat(jedis.pexpire("k", 5_000)).isEqualTo(1);
        assertThat(jedis.pttl("k")).isBetween(4_000L, 5_000L);
        assertThat(jedis.persist("k")).isEqualTo(1);
        assertThat(jedis.persist("k")).isZero();
        assertThat(jedis.ttl("k")).isEqualTo(-1);
        assertThat(jedis.expire("k", -1)).as("a deadline in the past deletes").isEqualTo(1);
        assertThat(jedis.exists("k")).isFalse();
    }

    @Test
    void keysAndScanWithPatterns() {
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 250; i++) {
            jedis.set("user:" + i, "x");
            all.add("user:" + i);
        }
        jedis.set("other", "y");
        jedis.set("h?llo", "z");
        assertThat(new HashSet<>(jedis.keys("user:*"))).isEqualTo(all);
        assertThat(jedis.keys("user:1?")).hasSize(10);
        assertThat(jedis.keys("user:[12]")).containsExactlyInAnyOrder("user:1", "user:2");
        assertThat(jedis.keys("user:[^0-8]")).containsExactly("user:9");
        assertThat(jedis.keys("h\\?llo")).containsExactly("h?llo");
        assertThat(jedis.keys("*")).hasSize(252);

        Set<String> seen = new HashSet<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        int steps = 0;
        do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().match("user:*").count(20));
            for (String k : page.getResult()) {
                assertThat(seen.add(k)).as("SCAN returned %s twice", k).isTrue();
            }
            cursor = page.getCursor();
            steps++;
        } while (!cursor.equals("0"));
        assertThat(seen).isEqualTo(all);
        assertThat(steps).as("COUNT 20 over 252 keys").isBetween(10, 20);
        assertThatThrownBy(() -> jedis.scan("x")).hasMessage("ERR invalid cursor");
    }

    @Test
    void dbsizeAndFlush() {
        jedis.mset("a", "1", "b", "2");
        assertThat(jedis.dbSize()).isEqualTo(2);
        assertThat(jedis.flushDB()).isEqualTo("OK");
        assertThat(jedis.dbSize()).isZero();
        jedis.set("c", "3");
        assertThat(jedis.flushAll()).isEqualTo("OK");
        assertThat(jedis.get("c")).isNull();
    }

    @Test
    void clientConfigCommandHelloAndInfo() {
        assertThat(jedis.clientSetname("worker-7")).isEqualTo("OK");
        assertThat(jedis.clientGetname()).isEqualTo("worker-7");
        assertThat(jedis.clientId()).isPositive();
        assertThat(jedis.clientList()).contains("name=worker-7").contains("worker=mini-redis-test-worker-");
        assertThatThrownBy(() -> jedis.clientSetname("has space"))
                .hasMessageContaining("Client names cannot contain spaces");

        Map<String, String> config = jedis.configGet("*");
        assertThat(config).containsEntry("save", "").containsEntry("appendonly", "no")
                .containsEntry("port", String.valueOf(fixture.port()));
        assertThat(jedis.configGet("max*")).containsOnlyKeys("maxclients");

        assertThat(jedis.sendCommand(Protocol.Command.COMMAND, "DOCS")).asList().isEmpty();
        assertThat((Long) jedis.sendCommand(Protocol.Command.COMMAND, "COUNT")).isPositive();
        assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.HELLO, "3"))
                .hasMessage("NOPROTO unsupported protocol version");
        List<?> hello = (List<?>) jedis.sendCommand(Protocol.Command.HELLO, "2");
        assertThat(new String((byte[]) hello.get(0))).isEqualTo("server");
        assertThat(hello.get(5)).isEqualTo(2L);

        jedis.set("a", "1");
        String info = jedis.info();
        assertThat(info).contains("redis_version:").contains("connected_clients:").contains("db0:keys=1");
    }

    @Test
    void clientKillClosesTheChosenConnection() {
        try (Jedis victim = new Jedis(fixture.host(), fixture.port())) {
            assertThat(victim.ping()).isEqualTo("PONG");
            long id = victim.clientId();
            assertThat(jedis.clientKill(new ClientKillParams().id(String.valueOf(id)))).isEqualTo(1);
            assertThatThrownBy(victim::ping).isInstanceOf(redis.clients.jedis.exceptions.JedisConnectionException.class);
            assertThat(jedis.clientKill(new ClientKillParams().id(String.valueOf(id)))).isZero();
            assertThat(jedis.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void unknownCommandsNameThemselves() {
        assertThatThrownBy(() -> jedis.sendCommand(() -> "FROBNICATE".getBytes(), "a", "b"))
                .isInstanceOf(JedisDataException.class)
                .hasMessage("ERR unknown command 'FROBNICATE', with args beginning with: 'a' 'b' ");
    }

    @Test
    void authWhenNoPasswordIsSet() {
        assertThatThrownBy(() -> jedis.auth("secret")).hasMessageContaining("without any password configured");
    }

    @Test
    void pipeliningKeepsOrder() {
        try (var p = jedis.pipelined()) {
            for (int i = 0; i < 1000; i++) {
                p.set("k" + i, String.valueOf(i));
            }
            var gets = new java.util.ArrayList<redis.clients.jedis.Response<String>>();
            for (int i = 0; i < 1000; i++) {
                gets.add(p.get("k" + i));
            }
            p.sync();
            for (int i = 0; i < 1000; i++) {
                assertThat(gets.get(i).get()).isEqualTo(String.valueOf(i));
            }
        }
    }
}
