package dev.weft.redis.client;

/**
 * The server answered a command with an error reply. The message is the server's text as it sent it,
 * starting with the error code: {@code "ERR value is not an integer or out of range"},
 * {@code "WRONGTYPE Operation against a key holding the wrong kind of value"}.
 *
 * <p>The connection is fine after it: the error was the command's whole reply.
 */
public final class RedisException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error reply whose text is {@code serverText}. */
    public RedisException(String serverText) {
        super(serverText);
    }

    /** The error code: the first word of the message ({@code ERR}, {@code WRONGTYPE}, ...). */
    public String code() {
        String text = getMessage();
        int space = text.indexOf(' ');
        return space < 0 ? text : text.substring(0, space);
    }
}
