package dev.weft.console.tui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void nestedObjectsAndArraysKeepTheirOrder() {
        Object v = Json.parse("""
                {"runtime": "weft-1", "tasks": [
                   {"id": 12, "span": {"id": 4, "fields": {"peer": "127.0.0.1:5555", "n": 2}}, "warnings": []},
                   {"id": 13, "span": null}
                ], "empty": {}}
                """);
        Map<String, Object> expectedSpan = new LinkedHashMap<>();
        expectedSpan.put("id", 4L);
        expectedSpan.put("fields", Map.of("peer", "127.0.0.1:5555", "n", 2L));
        Map<String, Object> second = new LinkedHashMap<>();
        second.put("id", 13L);
        second.put("span", null);

        assertThat(v).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) v;
        assertThat(List.copyOf(root.keySet())).containsExactly("runtime", "tasks", "empty");
        assertThat(root.get("tasks")).isEqualTo(List.of(
                Map.of("id", 12L, "span", expectedSpan, "warnings", List.of()), second));
        assertThat(root.get("empty")).isEqualTo(Map.of());
        Map<?, ?> first = (Map<?, ?>) ((List<?>) root.get("tasks")).get(0);
        assertThat(first.keySet().stream().map(String::valueOf)).containsExactly("id", "span", "warnings");
    }

    @Test
    void everyEscapeIsDecoded() {
        assertThat(Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t\"")).isEqualTo("q\" b\\ s/ \b\f\n\r\t");
        assertThat(Json.parse("\"caf\\u00e9 \\u00E9\"")).isEqualTo("caf\u00e9 \u00e9");
        assertThat(Json.parse("\"\\u0000\"")).isEqualTo("\u0000");
    }

    @Test
    void aSurrogatePairOfEscapesIsOneCodePoint() {
        String s = (String) Json.parse("\"x\\ud83d\\ude00y\"");
        assertThat(s).isEqualTo("x\uD83D\uDE00y");
        assertThat(s.codePoints().toArray()).containsExactly('x', 0x1F600, 'y');
    }

    @Test
    void unicodeTextPassesThroughAsItIs() {
        assertThat(Json.parse("\"t\u00e2che \u4efb\u52a1 \uD83D\uDE80\"")).isEqualTo("t\u00e2che \u4efb\u52a1 \uD83D\uDE80");
    }

    @Test
    void integersAreLongsAndTheRestDoubles() {
        assertThat(Json.parse("0")).isEqualTo(0L);
        assertThat(Json.parse("-0")).isEqualTo(0L);
        assertThat(Json.parse("120000000")).isEqualTo(120_000_000L);
        assertThat(Json.parse("-42")).isEqualTo(-42L);
        assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(Json.parse("9223372036854775808")).isEqualTo(9.223372036854775808E18);
        assertThat(Json.parse("1.5")).isEqualTo(1.5);
        assertThat(Json.parse("1e3")).isEqualTo(1000.0);
        assertThat(Json.parse("-2.5E-3")).isEqualTo(-0.0025);
        assertThat(Json.parse("[1,2.0,3E+0]")).isEqualTo(List.of(1L, 2.0, 3.0));
    }

    @Test
    void literalsAndWhitespace() {
        assertThat(Json.parse(" \t\r\n true \n")).isEqualTo(true);
        assertThat(Json.parse("false")).isEqualTo(false);
        assertThat(Json.parse("null")).isNull();
        assertThat(Json.parse("[ null , true ]")).isEqualTo(Arrays.asList(null, true));
    }

    @Test
    void aRepeatedKeyKeepsItsLastValue() {
        assertThat(Json.parse("{\"a\": 1, \"b\": 2, \"a\": 3}")).isEqualTo(Map.of("a", 3L, "b", 2L));
    }

    @Test
    void whatItBuildsCannotBeChanged() {
        Map<?, ?> map = (Map<?, ?>) Json.parse("{\"a\": [1]}");
        assertThatThrownBy(() -> map.clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<?>) map.get("a")).clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void malformedTextIsRefusedWithItsOffset() {
        assertBad("", "offset 0: unexpected end");
        assertBad("[1,]", "offset 3: unexpected ']'");
        assertBad("{\"a\":1,}", "offset 7: expected a string key");
        assertBad("{\"a\" 1}", "offset 5: expected ':'");
        assertBad("[1 2]", "offset 3: expected ',' or ']'");
        assertBad("\"abc", "unterminated string");
        assertBad("\"a\nb\"", "offset 2: control character");
        assertBad("\"\\x\"", "offset 2: bad escape '\\x'");
        assertBad("\"\\u12g4\"", "bad hex digit");
        assertBad("\"\\u12", "short \\u escape");
        assertBad("01", "offset 1: unexpected text after the value");
        assertBad("1.", "offset 2: expected a digit after '.'");
        assertBad("1e", "expected a digit in the exponent");
        assertBad("-", "offset 1: expected a digit");
        assertBad("+1", "unexpected '+'");
        assertBad("'a'", "unexpected '''");
        assertBad("NaN", "unexpected 'N'");
        assertBad("tru", "expected 'true'");
        assertBad("{} {}", "offset 3: unexpected text after the value");
    }

    @Test
    void nestingPastTheLimitIsRefusedNotAStackOverflow() {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertThat(Json.parse(ok)).isInstanceOf(List.class);
        String deep = "[".repeat(100_000);
        assertBad(deep, "nested deeper than " + Json.MAX_DEPTH);
    }

    private static void assertBad(String text, String message) {
        assertThatThrownBy(() -> Json.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad JSON at offset")
                .hasMessageContaining(message);
    }
}
