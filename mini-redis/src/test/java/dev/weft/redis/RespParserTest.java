package dev.weft.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RespParserTest {
    static final RespParser SERVER = new RespParser(RespParser.Limits.REDIS, true);
    static final RespParser CLIENT = new RespParser(RespParser.Limits.REDIS, false);

    static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    static Frame array(Frame... elements) {
        return new Frame.Array(List.of(elements));
    }

    static final List<Frame> SAMPLES = List.of(
            new Frame.Simple("OK"),
            new Frame.Error("ERR unknown command 'FOO'"),
            new Frame.Int(-42),
            new Frame.Int(Long.MAX_VALUE),
            Frame.bulk(""),
            new Frame.Bulk(new byte[] {0, '\r', '\n', (byte) 0xff}),
            Frame.NullBulk.INSTANCE,
            Frame.NullArray.INSTANCE,
            array(),
            array(Frame.bulk("SET"), Frame.bulk("key"), Frame.bulk("value")),
            array(new Frame.Int(1), array(Frame.bulk("nested"), Frame.NullBulk.INSTANCE), new Frame.Simple("x")));

    @Test
    void everyKindOfFrameRoundTrips() {
        for (Frame f : SAMPLES) {
            ByteBuffer in = ByteBuffer.wrap(RespEncoder.encode(f));
            assertThat(CLIENT.parse(in)).as("%s", f).isEqualTo(f);
            assertThat(in.hasRemaining()).isFalse();
        }
    }

    @Test
    void aPipelineFedOneByteAtATimeGivesEachFrameExactlyWhenItsLastByteArrives() {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        List<Integer> ends = new ArrayList<>();
        for (Frame f : SAMPLES) {
            RespEncoder.encode(f, all);
            ends.add(all.size());
        }
        byte[] wire = all.toByteArray();
        ByteBuffer in = ByteBuffer.wrap(wire).limit(0);
        List<Frame> got = new ArrayList<>();
        for (int limit = 1; limit <= wire.length; limit++) {
            in.limit(limit);
            Frame f = CLIENT.parse(in);
            if (f != null) {
                got.add(f);
                assertThat(limit).as("frame %d completes at its last byte", got.size()).isEqualTo(ends.get(got.size() - 1));
                assertThat(CLIENT.parse(in)).isNull();
            }
        }
        assertThat(got).isEqualTo(SAMPLES);
    }

    @Test
    void inlineCommandsBecomeArraysOfBulkStrings() {
        ByteBuffer in = bytes("SET  key value\r\nPING\n*1\r\n$4\r\nPING\r\n");
        assertThat(SERVER.parse(in)).isEqualTo(array(Frame.bulk("SET"), Frame.bulk("key"), Frame.bulk("value")));
        assertThat(SERVER.parse(in)).isEqualTo(array(Frame.bulk("PING")));
        assertThat(SERVER.parse(in)).isEqualTo(array(Frame.bulk("PING")));
        assertThat(SERVER.parse(bytes("PING"))).as("no line end yet").isNull();
    }

    @Test
    void inlineWordsMayBeQuotedAsRedisQuotesThem() {
        ByteBuffer in = bytes("SET greeting \"hello world\"\r\n"
                + "SET k \"tab\\there\\x41\\\"q\\\"\" 'it\\'s \\n raw'\r\n"
                + "ECHO \"\" ''\r\n");
        assertThat(SERVER.parseCommand(in)).isDeepEqualTo(words("SET", "greeting", "hello world"));
        assertThat(SERVER.parseCommand(in)).isDeepEqualTo(words("SET", "k", "tab\there" + "A\"q\"", "it's \\n raw"));
        assertThat(SERVER.parseCommand(in)).as("empty quoted words are words").isDeepEqualTo(words("ECHO", "", ""));
        assertThat(SERVER.parse(bytes("SET k \"a b\"\r\n"))).as("the frame path splits the same way")
                .isEqualTo(array(Frame.bulk("SET"), Frame.bulk("k"), Frame.bulk("a b")));
        for (String bad : new String[] {"SET k \"open\r\n", "SET k 'open\r\n", "SET k \"a\"b\r\n"}) {
            assertThatThrownBy(() -> SERVER.parseCommand(bytes(bad))).as(bad)
                    .isInstanceOf(ProtocolException.class).hasMessage("unbalanced quotes in request");
        }
    }

    private static byte[][] words(String... words) {
        byte[][] out = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            out[i] = words[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    @Test
    void badInputGivesRedisProtocolErrors() {
        assertThatThrownBy(() -> SERVER.parse(bytes("*abc\r\n"))).isInstanceOf(ProtocolException.class)
                .hasMessage("invalid multibulk length");
        assertThatThrownBy(() -> SERVER.parse(bytes("*1\r\n$-5\r\n"))).hasMessage("invalid bulk length");
        assertThatThrownBy(() -> SERVER.parse(bytes("*1\r\n$3\r\nfooXY"))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("not followed by CRLF");
        assertThatThrownBy(() -> CLIENT.parse(bytes("hello\r\n"))).hasMessageContaining("got 'h'");
        assertThatThrownBy(() -> CLIENT.parse(bytes("?\r\n"))).hasMessageContaining("got '?'");
        assertThatThrownBy(() -> CLIENT.parse(bytes("+a\rb\r\n"))).hasMessage("a CR inside a status line");
    }

    @Test
    void eachLimitIsAProtocolErrorBeforeTheBytesArrive() {
        RespParser tight = new RespParser(new RespParser.Limits(10, 3, 16), true);
        assertThatThrownBy(() -> tight.parse(bytes("*1\r\n$11\r\n"))).hasMessage("invalid bulk length");
        assertThatThrownBy(() -> tight.parse(bytes("*4\r\n"))).hasMessage("invalid multibulk length");
        assertThatThrownBy(() -> tight.parse(bytes("PING PING PING PING"))).hasMessage("too big inline request");
        assertThat(tight.parse(bytes("*1\r\n$10\r\n"))).as("within the limit, waiting for the bytes").isNull();
        assertThatThrownBy(() -> SERVER.parse(bytes("*1\r\n".repeat(RespParser.MAX_DEPTH + 1) + ":1\r\n")))
                .hasMessageContaining("nested deeper");
    }

    @Test
    void randomBytesGiveAFrameNeedMoreOrAProtocolErrorAndNothingElse() {
        Random random = new Random(7);
        byte[] alphabet = "*$+-:0123456789-\r\nabc ".getBytes(StandardCharsets.ISO_8859_1);
        int frames = 0;
        int errors = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(40)];
            for (int j = 0; j < b.length; j++) {
                b[j] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
            }
            ByteBuffer in = ByteBuffer.wrap(b);
            try {
                Frame f = SERVER.parse(in);
                if (f == null) {
                    assertThat(in.position()).as("need more leaves the buffer alone").isZero();
                } else {
                    frames++;
                }
            } catch (ProtocolException e) {
                errors++;
                assertThat(e.getMessage()).isNotBlank();
            }
        }
        assertThat(frames).isPositive();
        assertThat(errors).isPositive();
    }
}
