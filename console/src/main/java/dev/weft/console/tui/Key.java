package dev.weft.console.tui;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What a key press asks the terminal view to do. */
enum Key {
    SORT_BY_BUSY, SORT_BY_IDLE, SORT_BY_POLLS, UP, DOWN, PAGE_UP, PAGE_DOWN, OPEN, BACK, QUIT;

    private static final byte ESC = 0x1b;

    /**
     * The keys in the bytes of one read from a terminal in raw mode. Keys without a meaning are skipped.
     *
     * <p>A terminal sends the whole escape sequence of one key press (an arrow is {@code ESC [ A}) in one
     * write, so each read is decoded on its own: an {@code ESC} at the end of a read is the Esc key, not
     * the start of a sequence still on its way. The rare read that splits a sequence loses that key.
     * Ctrl-C arrives as a byte (raw mode turns off the signal it would raise) and quits, as {@code q} does.
     */
    static List<Key> decode(byte[] bytes, int length) {
        List<Key> keys = new ArrayList<>();
        int i = 0;
        while (i < length) {
            byte b = bytes[i++];
            if (b != ESC) {
                Key key = plain(b);
                if (key != null) {
                    keys.add(key);
                }
                continue;
            }
            if (i >= length || (bytes[i] != '[' && bytes[i] != 'O')) {
                keys.add(BACK);
                continue;
            }
            // CSI (ESC [) or SS3 (ESC O): parameter bytes, then one final byte in 0x40..0x7e.
            int start = ++i;
            while (i < length && (bytes[i] < 0x40 || bytes[i] > 0x7e)) {
                i++;
            }
            if (i >= length) {
                break;
            }
            Key key = sequence(new String(bytes, start, i - start + 1, StandardCharsets.US_ASCII));
            i++;
            if (key != null) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static Key plain(byte b) {
        return switch (b) {
            case 'b', 'B' -> SORT_BY_BUSY;
            case 'i', 'I' -> SORT_BY_IDLE;
            case 'p', 'P' -> SORT_BY_POLLS;
            case 'k', 'K' -> UP;
            case 'j', 'J' -> DOWN;
            case '\r', '\n' -> OPEN;
            case 0x7f, 0x08 -> BACK;
            case 'q', 'Q', 0x03, 0x04 -> QUIT;
            default -> null;
        };
    }

    /** A sequence after {@code ESC [} or {@code ESC O}: its parameters and final byte. */
    private static Key sequence(String body) {
        return switch (body) {
            case "A" -> UP;
            case "B" -> DOWN;
            case "5~" -> PAGE_UP;
            case "6~" -> PAGE_DOWN;
            default -> null;
        };
    }
}
