package dev.weft.console.tui;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The controlling terminal, taken over for a full-screen view and given back as it was found.
 *
 * <p>{@link #open} saves the terminal's settings ({@code stty -g}), puts it in raw mode without echo (each
 * key arrives at once, Ctrl-C arrives as a byte instead of a signal), switches to the alternate screen and
 * hides the cursor. {@link #restore} undoes all of it, once: it runs on {@link #close} and from a shutdown
 * hook, so a SIGTERM or a SIGHUP still leaves the shell usable. The settings are changed with the
 * {@code stty} command on {@code /dev/tty}: the JDK has no call for it, and {@code stty} is on every Unix.
 *
 * <p>Threads: the view's loop draws, a reader thread reads {@link #input()}, and the shutdown hook may
 * restore at any moment. Drawing and restoring hold one lock, so the sequence that leaves the alternate
 * screen is never written into the middle of a frame, and no frame is drawn after it.
 */
final class Terminal implements AutoCloseable {
    private static final File TTY = new File("/dev/tty");
    private static final String ESC = "\u001b[";
    private static final String ENTER = ESC + "?1049h" + ESC + "?25l" + ESC + "H" + ESC + "2J";
    private static final String LEAVE = ESC + "0m" + ESC + "?25h" + ESC + "?1049l";

    private final String saved;
    private final PrintStream out;
    private final Object lock = new Object();
    private final AtomicBoolean restored = new AtomicBoolean();

    private Terminal(String saved, PrintStream out) {
        this.saved = saved;
        this.out = out;
    }

    /**
     * Takes the terminal over; frames go to {@code out}.
     *
     * @throws IOException if there is no terminal ({@code /dev/tty} cannot be opened) or {@code stty} fails
     */
    static Terminal open(PrintStream out) throws IOException {
        try (FileInputStream probe = new FileInputStream(TTY)) {
            // Only to fail with a plain message when there is no controlling terminal (cron, a pipe from ssh).
        } catch (IOException e) {
            throw new IOException("no terminal to draw on (" + e.getMessage() + ")", e);
        }
        Terminal terminal = new Terminal(stty("-g").strip(), out);
        // The hook first: from here on, whatever ends the JVM gives the terminal back.
        java.lang.Runtime.getRuntime().addShutdownHook(new Thread(terminal::restore, "weft-console-restore"));
        stty("raw", "-echo");
        synchronized (terminal.lock) {
            out.print(ENTER);
            out.flush();
        }
        return terminal;
    }

    /** A new stream of the keys typed: the terminal itself, so the view works with its input redirected too. */
    InputStream input() throws IOException {
        return new FileInputStream(TTY);
    }

    /**
     * The terminal's size as {rows, columns}. A pseudo-terminal nobody sized says 0 0: then {@code LINES}
     * and {@code COLUMNS}, else 24 by 80.
     */
    int[] size() {
        try {
            String[] parts = stty("size").strip().split("\\s+");
            int rows = Integer.parseInt(parts[0]);
            int cols = Integer.parseInt(parts[1]);
            if (rows > 0 && cols > 0) {
                return new int[] {rows, cols};
            }
        } catch (IOException | RuntimeException e) {
            // The terminal cannot tell: fall back to the environment below.
        }
        return new int[] {fromEnvironment("LINES", 24), fromEnvironment("COLUMNS", 80)};
    }

    /** Draws a frame over the last one: each line cleared to its end, the selected line in reverse video. */
    void draw(Renderer.Frame frame, int width) {
        StringBuilder s = new StringBuilder(ESC + "H");
        List<String> lines = frame.lines();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == frame.selectedLine()) {
                int pad = Math.max(0, width - line.codePointCount(0, line.length()));
                s.append(ESC).append("7m").append(line).append(" ".repeat(pad)).append(ESC).append("0m");
            } else {
                s.append(line).append(ESC).append('K');
            }
            if (i < lines.size() - 1) {
                s.append("\r\n");
            }
        }
        s.append(ESC).append('J');
        synchronized (lock) {
            if (!restored.get()) {
                out.print(s);
                out.flush();
            }
        }
    }

    /** Leaves the alternate screen, shows the cursor, and restores the saved settings. Idempotent. */
    void restore() {
        synchronized (lock) {
            if (!restored.compareAndSet(false, true)) {
                return;
            }
            out.print(LEAVE);
            out.flush();
        }
        try {
            stty(saved);
        } catch (IOException e) {
            // Nothing more can be done for a terminal that went away; say what would fix one that did not.
            System.err.println("weft-console: could not restore the terminal (" + e.getMessage() + "); run: stty sane");
        }
    }

    @Override
    public void close() {
        restore();
    }

    /** Runs {@code stty} on the controlling terminal and returns what it printed. */
    private static String stty(String... args) throws IOException {
        String[] command = new String[args.length + 1];
        command[0] = "stty";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectInput(TTY).redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(output);
        }
        try {
            int status = p.waitFor();
            String text = output.toString(StandardCharsets.UTF_8);
            if (status != 0) {
                throw new IOException("stty " + String.join(" ", args) + ": " + text.strip());
            }
            return text;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running stty", e);
        }
    }

    private static int fromEnvironment(String name, int otherwise) {
        try {
            int v = Integer.parseInt(System.getenv().getOrDefault(name, ""));
            return v > 0 ? v : otherwise;
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
