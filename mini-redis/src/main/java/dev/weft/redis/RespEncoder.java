package dev.weft.redis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes frames as RESP2 bytes. Stateless. */
public final class RespEncoder {
    private static final byte[] CRLF = {'\r', '\n'};

    private RespEncoder() {
    }

    /** The RESP2 bytes of {@code frame}. */
    public static byte[] encode(Frame frame) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encode(frame, out);
        return out.toByteArray();
    }

    /** Appends the RESP2 bytes of {@code frame} to {@code out}. */
    public static void encode(Frame frame, ByteArrayOutputStream out) {
        switch (frame) {
            case Frame.Simple s -> line(out, '+', s.text());
            case Frame.Error e -> line(out, '-', e.text());
            case Frame.Int i -> line(out, ':', Long.toString(i.value()));
            case Frame.Bulk b -> {
                line(out, '$', Integer.toString(b.bytes().length));
                out.writeBytes(b.bytes());
                out.writeBytes(CRLF);
            }
            case Frame.Array a -> {
                line(out, '*', Integer.toString(a.elements().size()));
                for (Frame f : a.elements()) {
                    encode(f, out);
                }
            }
            case Frame.NullBulk n -> line(out, '$', "-1");
            case Frame.NullArray n -> line(out, '*', "-1");
        }
    }

    private static void line(ByteArrayOutputStream out, char type, String text) {
        out.write(type);
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(CRLF);
    }
}
