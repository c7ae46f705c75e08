package dev.weft.redis.client;

import dev.weft.Future;
import dev.weft.redis.Frame;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * Commands queued to go to the server in one write, with their replies read back in one go: a round
 * trip for the lot instead of one per command.
 *
 * <pre>{@code
 * Pipeline p = client.pipeline();
 * for (int i = 0; i < 100; i++) {
 *     p.command("INCR", "hits");
 * }
 * List<Frame> replies = p.execute().await();          // :1, :2, ... :100, in order
 * }</pre>
 *
 * <p>{@link #execute()} completes with one reply per command, in the order the commands were queued.
 * An error reply is a {@link Frame.Error} in its place in the list, not a failure, so one failing
 * command does not hide the replies of the others; check for it where it matters.
 *
 * <p>Cost: queuing encodes the command into the pipeline's buffer (no I/O); executing writes that
 * buffer once and parses the replies from the connection's buffer. The server holds all the replies
 * until they are read, so keep pipelines to thousands of commands, not millions.
 *
 * <p>A pipeline belongs to its {@link Client} and follows its rules: one task, one command (or
 * pipeline) at a time on the connection, and <b>not cancel-safe</b>: an execution cancelled part-way
 * breaks the client. Not thread-safe.
 */
public final class Pipeline {
    private final Client client;
    private final ByteArrayOutputStream request = new ByteArrayOutputStream();
    private int size;

    Pipeline(Client client) {
        this.client = client;
    }

    /** Queues a command given as its words ({@code command("SET", "k", "v")}); returns this pipeline. */
    public Pipeline command(String... args) {
        return command(Arrays.stream(args).map(Client::utf8).toArray(byte[][]::new));
    }

    /** Queues a command given as binary words; returns this pipeline. */
    public Pipeline command(byte[]... args) {
        Connection.encode(List.of(args), request);
        size++;
        return this;
    }

    /** How many commands are queued. */
    public int size() {
        return size;
    }

    /**
     * A future that sends the queued commands in one write and completes with their replies, in order.
     * The queue is taken when this is called and the pipeline is empty again, ready for more commands.
     * An empty pipeline completes with an empty list and sends nothing.
     *
     * <p><b>Cancel safety:</b> not cancel-safe: cancelled after it started, it breaks the client (see
     * {@link Client}).
     */
    public Future<List<Frame>> execute() {
        if (size == 0) {
            return Future.ready(List.of());
        }
        byte[] bytes = request.toByteArray();
        int n = size;
        request.reset();
        size = 0;
        return client.exchange(bytes, n);
    }
}
