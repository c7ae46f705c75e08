package dev.weft.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * The RESP2 codec's contract for any input, where {@link RespParserTest} shows it on chosen examples:
 * any frame round-trips, however its bytes are split, alone or in a pipeline; and no bytes at all can
 * make the parser do anything but return a frame, return null ("need more") or throw
 * {@link ProtocolException}.
 */
class RespParserPropertyTest {
    private static final int TRIES = 1000;

    /** Parsing an encoded frame gives it back and stops at its last byte, whatever follows. */
    @Property(tries = TRIES)
    void anyFrameRoundTripsAndConsumesExactlyItsBytes(@ForAll("frames") Frame frame,
            @ForAll @Size(max = 8) byte[] after, @ForAll boolean inline) {
        byte[] wire = RespEncoder.encode(frame);
        ByteBuffer in = ByteBuffer.wrap(concat(wire, after));

        assertThat(new RespParser(RespParser.Limits.REDIS, inline).parse(in)).isEqualTo(frame);
        assertThat(in.position()).isEqualTo(wire.length);
    }

    /**
     * A frame fed in arbitrary chunks, through a buffer that keeps what the parser left (as a
     * connection does), comes out exactly once, with the chunk holding its last byte; before that every
     * parse is "need more". The limits are exactly the frame's own sizes, so a limit checked against a
     * partial line or length is caught too.
     */
    @Property(tries = TRIES)
    void aFrameSplitAnywhereComesOutOnceWithItsLastByte(@ForAll("frames") Frame frame,
            @ForAll("cuts") List<Integer> cuts, @ForAll boolean inline) {
        byte[] wire = RespEncoder.encode(frame);
        RespParser parser = new RespParser(limitsOf(frame), inline);

        Fed fed = feed(parser, wire, chunkEnds(cuts, wire.length));

        assertThat(fed.arrivals()).containsExactly(new Arrival(frame, wire.length));
        assertThat(fed.leftover()).isZero();
    }

    /** Several frames back to back, fed in arbitrary chunks, come out as the same list in order. */
    @Property(tries = TRIES)
    void aPipelineParsesBackIntoTheSameFramesInOrder(@ForAll("pipelines") List<Frame> frames,
            @ForAll("cuts") List<Integer> cuts, @ForAll boolean inline) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> frameEnds = new ArrayList<>();
        for (Frame f : frames) {
            RespEncoder.encode(f, out);
            frameEnds.add(out.size());
        }
        byte[] wire = out.toByteArray();
        List<Integer> chunkEnds = chunkEnds(cuts, wire.length);

        Fed fed = feed(new RespParser(RespParser.Limits.REDIS, inline), wire, chunkEnds);

        List<Arrival> expected = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            int end = frameEnds.get(i);
            int chunkEnd = chunkEnds.stream().filter(e -> e >= end).findFirst().orElseThrow();
            expected.add(new Arrival(frames.get(i), chunkEnd));
        }
        assertThat(fed.arrivals()).isEqualTo(expected);
        assertThat(fed.leftover()).isZero();
    }

    /** Arbitrary bytes, under tight limits, give only frames, "need more" or a protocol error. */
    @Property(tries = TRIES)
    void garbageGivesOnlyFramesNeedMoreOrProtocolErrors(@ForAll("garbage") byte[] bytes,
            @ForAll("tightLimits") RespParser.Limits limits, @ForAll boolean inline) {
        String outcome = parseUntilStuck(new RespParser(limits, inline), bytes);

        Statistics.label("outcome").collect(outcome);
        Statistics.label("outcome").coverage(c -> {
            c.check("frames, then need more").percentage(p -> p > 1);
            c.check("frames, then protocol error").percentage(p -> p > 1);
            c.check("need more").percentage(p -> p > 1);
            c.check("protocol error").percentage(p -> p > 1);
        });
    }

    /** Valid encodings with a few bytes replaced, inserted or deleted do no worse than garbage. */
    @Property(tries = TRIES)
    void mutatedFramesGiveOnlyFramesNeedMoreOrProtocolErrors(@ForAll("mutatedFrames") byte[] bytes,
            @ForAll("tightLimits") RespParser.Limits limits, @ForAll boolean inline) {
        Statistics.label("outcome").collect(parseUntilStuck(new RespParser(limits, inline), bytes));
    }

    /** Any prefix of valid encodings, under tight limits, does no worse than garbage. */
    @Property(tries = TRIES)
    void truncatedFramesGiveOnlyFramesNeedMoreOrProtocolErrors(@ForAll("truncatedFrames") byte[] bytes,
            @ForAll("tightLimits") RespParser.Limits limits, @ForAll boolean inline) {
        Statistics.label("outcome").collect(parseUntilStuck(new RespParser(limits, inline), bytes));
    }

    /**
     * The server's fast path agrees with {@code parse}: a frame that is an array of bulk strings comes
     * back as its words (an empty or null array as no command); any other frame is a protocol error.
     */
    @Property(tries = TRIES)
    void parseCommandAgreesWithParse(@ForAll("frames") Frame frame) {
        ByteBuffer wire = ByteBuffer.wrap(RespEncoder.encode(frame));
        RespParser parser = new RespParser(RespParser.Limits.REDIS, false);
        boolean isCommand = frame instanceof Frame.NullArray || frame instanceof Frame.Array(List<Frame> es)
                && es.stream().allMatch(e -> e instanceof Frame.Bulk);
        if (!isCommand) {
            assertThatThrownBy(() -> parser.parseCommand(wire)).isInstanceOf(ProtocolException.class);
            return;
        }
        byte[][] words = parser.parseCommand(wire);
        List<Frame> expected = frame instanceof Frame.Array(List<Frame> es) ? es : List.of();
        assertThat(Arrays.stream(words).map(w -> (Frame) new Frame.Bulk(w)).toList()).isEqualTo(expected);
        assertThat(wire.hasRemaining()).isFalse();
    }

    /** Commands back to back, fed in arbitrary chunks, come out as the same words, in order, once. */
    @Property(tries = TRIES)
    void commandsSplitAnywhereComeOutInOrder(@ForAll("commands") List<List<byte[]>> commands,
            @ForAll("cuts") List<Integer> cuts, @ForAll boolean inline) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (List<byte[]> words : commands) {
            RespEncoder.encode(new Frame.Array(words.stream().map(w -> (Frame) new Frame.Bulk(w)).toList()), out);
        }
        byte[] wire = out.toByteArray();
        RespParser parser = new RespParser(RespParser.Limits.REDIS, inline);
        ByteBuffer buffer = ByteBuffer.allocate(wire.length);
        List<List<Frame>> got = new ArrayList<>();
        int received = 0;
        for (int end : chunkEnds(cuts, wire.length)) {
            buffer.put(wire, received, end - received);
            received = end;
            buffer.flip();
            for (byte[][] words; (words = parser.parseCommand(buffer)) != null; ) {
                got.add(Arrays.stream(words).map(w -> (Frame) new Frame.Bulk(w)).toList());
            }
            buffer.compact();
        }
        assertThat(got).isEqualTo(commands.stream()
                .map(ws -> ws.stream().map(w -> (Frame) new Frame.Bulk(w)).toList()).toList());
        assertThat(buffer.position()).isZero();
    }

    /** Arbitrary bytes through the fast path give only commands, "need more" or a protocol error. */
    @Property(tries = TRIES)
    void garbageThroughParseCommandNeverCrashes(@ForAll("garbage") byte[] bytes,
            @ForAll("tightLimits") RespParser.Limits limits, @ForAll boolean inline) {
        RespParser parser = new RespParser(limits, inline);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            while (true) {
                int before = in.position();
                byte[][] words = parser.parseCommand(in);
                if (words == null) {
                    assertThat(in.position()).as("need more leaves the buffer as it was").isEqualTo(before);
                    return;
                }
                assertThat(in.position()).as("a command consumes bytes").isGreaterThan(before);
            }
        } catch (ProtocolException expected) {
            // one of the three allowed outcomes
        }
    }

    // ---- Feeding a parser the way a connection does

    /** A frame and how many bytes of the wire had been received when it came out. */
    record Arrival(Frame frame, int received) {
    }

    /** The frames that came out, and the bytes left unconsumed in the buffer at the end. */
    record Fed(List<Arrival> arrivals, int leftover) {
    }

    /**
     * Appends {@code wire} up to each of {@code chunkEnds} in turn to a buffer, parses until "need
     * more" after each append, and compacts the buffer, keeping what the parser did not consume.
     */
    private static Fed feed(RespParser parser, byte[] wire, List<Integer> chunkEnds) {
        ByteBuffer buffer = ByteBuffer.allocate(wire.length);
        List<Arrival> arrivals = new ArrayList<>();
        int received = 0;
        for (int end : chunkEnds) {
            buffer.put(wire, received, end - received);
            received = end;
            buffer.flip();
            for (Frame f; (f = parser.parse(buffer)) != null; ) {
                arrivals.add(new Arrival(f, received));
            }
            buffer.compact();
        }
        return new Fed(arrivals, buffer.position());
    }

    /** Where each chunk of a {@code length}-byte wire ends: the cuts, in order, then the end itself. */
    private static List<Integer> chunkEnds(List<Integer> cuts, int length) {
        TreeSet<Integer> ends = new TreeSet<>();
        for (int cut : cuts) {
            ends.add(cut % (length + 1));
        }
        ends.add(length);
        ends.remove(0);
        return List.copyOf(ends);
    }

    /** Limits no larger than {@code frame} needs: its longest line, bulk string and array. */
    private static RespParser.Limits limitsOf(Frame frame) {
        long[] max = new long[3];
        measure(frame, max);
        return new RespParser.Limits(max[0], max[1], (int) Math.max(1, max[2]));
    }

    private static void measure(Frame frame, long[] max) {
        switch (frame) {
            case Frame.Bulk b -> max[0] = Math.max(max[0], b.bytes().length);
            case Frame.Array a -> {
                max[1] = Math.max(max[1], a.elements().size());
                a.elements().forEach(e -> measure(e, max));
            }
            case Frame.Simple s -> max[2] = Math.max(max[2], s.text().getBytes(StandardCharsets.UTF_8).length);
            case Frame.Error e -> max[2] = Math.max(max[2], e.text().getBytes(StandardCharsets.UTF_8).length);
            case Frame.Int i -> {
            }
            case Frame.NullBulk n -> {
            }
            case Frame.NullArray n -> {
            }
        }
    }

    // ---- Hostile input

    /**
     * Parses {@code bytes} until a parse returns null or throws, checking the contract of each call,
     * and says how it ended. The bytes sit mid-array, behind a read-only view with more bytes past its
     * limit, so a write or a read past the limit is an exception that fails the property.
     */
    private static String parseUntilStuck(RespParser parser, byte[] bytes) {
        byte[] padded = new byte[bytes.length + 6];
        System.arraycopy(bytes, 0, padded, 3, bytes.length);
        padded[bytes.length + 3] = '\r';
        padded[bytes.length + 4] = '\n';
        ByteBuffer in = ByteBuffer.wrap(padded, 3, bytes.length).asReadOnlyBuffer();
        int frames = 0;
        while (true) {
            int before = in.position();
            Frame frame;
            try {
                frame = parser.parse(in);
            } catch (ProtocolException e) {
                assertThat(e.getMessage()).isNotBlank();
                return frames > 0 ? "frames, then protocol error" : "protocol error";
            }
            assertThat(in.limit()).isEqualTo(3 + bytes.length);
            if (frame == null) {
                assertThat(in.position()).as("need more leaves the position where it was").isEqualTo(before);
                return frames > 0 ? "frames, then need more" : "need more";
            }
            assertThat(in.position()).as("a frame consumes bytes").isGreaterThan(before);
            frames++;
        }
    }

    /** Limits small enough that generated input breaks each of them often. */
    @Provide
    Arbitrary<RespParser.Limits> tightLimits() {
        return Combinators.combine(
                Arbitraries.longs().between(0, 16),
                Arbitraries.longs().between(0, 4),
                Arbitraries.integers().between(1, 24)).as(RespParser.Limits::new);
    }

    /** Bytes, mostly RESP's own (type bytes, digits, CR, LF, space), some of them anything. */
    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<Byte> resp = anyOf("*$+-:0123456789\r\n a");
        return Arbitraries.frequencyOf(Tuple.of(4, resp), Tuple.of(1, Arbitraries.bytes()))
                .array(byte[].class).ofMaxSize(48);
    }

    /** One change to a wire: replace, insert or delete the byte at {@code at} (taken modulo its length). */
    record Mutation(int at, int kind, byte value) {
        byte[] apply(byte[] wire) {
            int i = at % (wire.length + 1);
            return switch (kind) {
                case 0 -> i == wire.length ? wire : replace(wire, i, value);
                case 1 -> concat(concat(slice(wire, 0, i), new byte[] {value}), slice(wire, i, wire.length));
                default -> i == wire.length ? wire : concat(slice(wire, 0, i), slice(wire, i + 1, wire.length));
            };
        }

        private static byte[] replace(byte[] wire, int i, byte value) {
            byte[] copy = wire.clone();
            copy[i] = value;
            return copy;
        }
    }

    @Provide
    Arbitrary<byte[]> mutatedFrames() {
        Arbitrary<Byte> value = Arbitraries.frequencyOf(
                Tuple.of(3, anyOf("*$+-:019\r\n ")),
                Tuple.of(1, Arbitraries.bytes()));
        Arbitrary<Mutation> mutation = Combinators.combine(
                Arbitraries.integers().between(0, 10_000), Arbitraries.integers().between(0, 2), value)
                .as(Mutation::new);
        return Combinators.combine(pipelines(), mutation.list().ofMinSize(1).ofMaxSize(3)).as((frames, mutations) -> {
            byte[] wire = encode(frames);
            for (Mutation m : mutations) {
                wire = m.apply(wire);
            }
            return wire;
        });
    }

    @Provide
    Arbitrary<byte[]> truncatedFrames() {
        return Combinators.combine(pipelines(), Arbitraries.integers().between(0, 10_000)).as((frames, cut) -> {
            byte[] wire = encode(frames);
            return slice(wire, 0, cut % (wire.length + 1));
        });
    }

    // ---- Frames

    @Provide
    Arbitrary<Frame> frames() {
        return frames(3);
    }

    @Provide
    Arbitrary<List<Frame>> pipelines() {
        return frames().list().ofMaxSize(5);
    }

    /** Up to 5 commands of 1 to 5 words each, words of any bytes. */
    @Provide
    Arbitrary<List<List<byte[]>>> commands() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(12).list().ofMinSize(1).ofMaxSize(5)
                .list().ofMaxSize(5);
    }

    /** Where to cut a wire into chunks (modulo its length). */
    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 10_000).list().ofMaxSize(8);
    }

    /** Any frame, with arrays nested at most {@code depth} deep and at most 4 long. */
    private static Arbitrary<Frame> frames(int depth) {
        if (depth == 0) {
            return leaves();
        }
        Arbitrary<Frame> array = frames(depth - 1).list().ofMaxSize(4).map(Frame.Array::new);
        return Arbitraries.frequencyOf(Tuple.of(3, leaves()), Tuple.of(1, array));
    }

    private static Arbitrary<Frame> leaves() {
        Arbitrary<byte[]> bulkBytes = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of((byte) '\r', (byte) '\n')),
                Tuple.of(3, Arbitraries.bytes()))
                .array(byte[].class).ofMaxSize(20);
        return Arbitraries.oneOf(
                lines().map(Frame.Simple::new),
                lines().map(Frame.Error::new),
                Arbitraries.longs().map(Frame.Int::new),
                bulkBytes.map(Frame.Bulk::new),
                Arbitraries.just(Frame.NullBulk.INSTANCE),
                Arbitraries.just(Frame.NullArray.INSTANCE));
    }

    /**
     * Text for a status or error line: any Unicode (a String that UTF-8 can encode, so no lone
     * surrogates), mostly ASCII, without CR or LF.
     */
    private static Arbitrary<String> lines() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0, 0x7f)),
                Tuple.of(1, Arbitraries.integers().between(0x80, Character.MAX_CODE_POINT)))
                .filter(c -> c != '\r' && c != '\n' && !(c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE));
        return codePoint.list().ofMaxSize(12).map(cps -> {
            StringBuilder text = new StringBuilder();
            cps.forEach(text::appendCodePoint);
            return text.toString();
        });
    }

    /** Any one of the bytes of {@code chars}. */
    private static Arbitrary<Byte> anyOf(String chars) {
        List<Byte> bytes = new ArrayList<>();
        for (byte b : chars.getBytes(StandardCharsets.ISO_8859_1)) {
            bytes.add(b);
        }
        return Arbitraries.of(bytes);
    }

    private static byte[] encode(List<Frame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames.forEach(f -> RespEncoder.encode(f, out));
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return Arrays.copyOfRange(bytes, from, to);
    }
}
