package dev.weft.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's hand-written JSON: nesting, commas, and escaping of anything a task name may hold. */
class JsonWriterTest {
    @Test
    void nestedObjectsAndArraysGetTheirCommas() {
        String json = new JsonWriter().beginObject()
                .field("a", 1).field("b", "x").field("c", true)
                .name("d").nullValue()
                .name("e").beginArray().value(1).beginObject().field("f", 2).endObject().beginArray().endArray().endArray()
                .name("g").beginObject().endObject()
                .endObject().toString();

        assertThat(json).isEqualTo("{\"a\":1,\"b\":\"x\",\"c\":true,\"d\":null,\"e\":[1,{\"f\":2},[]],\"g\":{}}");
        assertThat(Json.parse(json)).isInstanceOf(Map.class);
    }

    @Test
    void stringsSurviveARoundTripWhateverTheyHold() {
        String nasty = "quote \" backslash \\ slash / newline \n tab \t cr \r nul \0 bell \u0007 del \u007f"
                + " </script> é 日本 emoji \uD83D\uDE00 lone high \uD800 lone low \uDC00 end";
        String json = new JsonWriter().beginArray().value(nasty).endArray().toString();

        assertThat(Json.parse(json)).isEqualTo(List.of(nasty));
        assertThat(json).doesNotContain("\n").doesNotContain("\0");
        // Unpaired surrogates are escaped, so the text encodes to UTF-8 without loss.
        String back = new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        assertThat(back).isEqualTo(json);
        assertThat(json).contains("\\ud800").contains("\\udc00").contains("\uD83D\uDE00");
    }

    @Test
    void aNullStringIsJsonNull() {
        assertThat(new JsonWriter().beginObject().field("name", (String) null).endObject().toString())
                .isEqualTo("{\"name\":null}");
    }
}
